import { formatDateTime } from '../ui/dates';
import { formatMoney, type Money } from '../ui/money';
import { refundable, type Payment } from './orders-api';
import { shortId } from './short-id';
import { RefundForm } from './refund-form';

const PAYMENT_STATUS_LABELS: Record<Payment['status'], string> = {
  pending: 'Pending',
  requires_action: 'Awaiting customer',
  succeeded: 'Succeeded',
  failed: 'Failed',
};

const REFUND_STATUS_LABELS: Record<Payment['refunds'][number]['status'], string> = {
  pending: 'Pending',
  succeeded: 'Refunded',
  failed: 'Failed',
};

/** One payment of an order: its amounts, its refunds so far, and the refund form. */
export function PaymentPanel({
  payment,
  onRefunded,
}: {
  payment: Payment;
  onRefunded: (amount: Money) => void;
}) {
  const headingId = `payment-${payment.id}`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h3 id={headingId} className="panel__title">
        Payment <code>{shortId(payment.id)}</code>
      </h3>
      <dl className="summary summary--compact">
        <div>
          <dt>Status</dt>
          <dd>
            {PAYMENT_STATUS_LABELS[payment.status]}
            {payment.failureReason ? ` (${payment.failureReason})` : ''}
          </dd>
        </div>
        <div>
          <dt>Amount</dt>
          <dd>{formatMoney(payment.amount)}</dd>
        </div>
        <div>
          <dt>Refunded</dt>
          <dd>{formatMoney(payment.refunded)}</dd>
        </div>
        <div className="summary__wide">
          <dt>Customer</dt>
          <dd>
            <code className="wrap">{payment.userId}</code>
          </dd>
        </div>
      </dl>
      {payment.refunds.length > 0 && (
        <>
          <h4 className="panel__subtitle">Refunds</h4>
          <ul className="refunds">
            {payment.refunds.map((refund) => (
              <li key={refund.id}>
                <span className="refunds__amount">{formatMoney(refund.amount)}</span>{' '}
                <span className="refunds__status">{REFUND_STATUS_LABELS[refund.status]}</span>
                <span className="refunds__meta">
                  <time dateTime={refund.createdAt}>{formatDateTime(refund.createdAt)}</time> ·{' '}
                  {refund.reason}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {refundable(payment).amount > 0 && (
        // A new form after each refund: its amount starts at what is left again.
        <RefundForm key={payment.refunded.amount} payment={payment} onRefunded={onRefunded} />
      )}
    </section>
  );
}

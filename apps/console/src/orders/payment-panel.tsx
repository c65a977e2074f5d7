import { formatDateTime } from '../ui/dates';
import { formatMoney, type Money } from '../ui/money';
import { TableScroll } from '../ui/table-scroll';
import { refundable, type Payment } from './orders-api';
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
        Payment <code>{payment.id.slice(0, 8)}</code>
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
        <div>
          <dt>Customer</dt>
          <dd>
            <code className="wrap">{payment.userId}</code>
          </dd>
        </div>
      </dl>
      {payment.refunds.length > 0 && (
        <TableScroll label={`Refunds of payment ${payment.id.slice(0, 8)}`}>
          <table className="table">
            <caption>Refunds</caption>
            <thead>
              <tr>
                <th scope="col">Requested</th>
                <th scope="col" className="numeric">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {payment.refunds.map((refund) => (
                <tr key={refund.id}>
                  <td>{formatDateTime(refund.createdAt)}</td>
                  <td className="numeric">{formatMoney(refund.amount)}</td>
                  <td>{REFUND_STATUS_LABELS[refund.status]}</td>
                  <td>{refund.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {refundable(payment).amount > 0 && <RefundForm payment={payment} onRefunded={onRefunded} />}
    </section>
  );
}

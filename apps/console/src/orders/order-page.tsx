import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { readableError } from '../api/problem-message';
import { formatDateTime } from '../ui/dates';
import { ErrorSummary } from '../ui/error-summary';
import { LoadError } from '../ui/load-error';
import { formatMoney } from '../ui/money';
import { Notice } from '../ui/notice';
import { PageHeading } from '../ui/page-heading';
import { TableScroll } from '../ui/table-scroll';
import { ORDER_STATUS_LABELS, OrderStatusBadge } from './order-status';
import { shortId } from './short-id';
import { fulfilOrder, getOrder, listPaymentsOf, type Order, type Payment } from './orders-api';
import { PaymentPanel } from './payment-panel';

/** While a refund or a payment is on its way, the page looks again this often. */
const SETTLING_POLL_MS = 1_000;

/** The order's refunded total lags its payments' until payment's event reaches the order. */
const settling = (order: Order | undefined, payments: Payment[] | undefined) =>
  !!order &&
  !!payments &&
  (payments.some((p) => p.status === 'pending' || p.refunds.some((r) => r.status === 'pending')) ||
    order.refunded.amount !== payments.reduce((sum, p) => sum + p.refunded.amount, 0));

/** One order: what was bought, its timeline, its payments with their refunds, and actions. */
export function OrderPage() {
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState<string | null>(null);

  const order = useQuery({
    queryKey: ['order', id],
    queryFn: () => getOrder(id),
    refetchInterval: (query) =>
      settling(query.state.data, queryClient.getQueryData(['order', id, 'payments']))
        ? SETTLING_POLL_MS
        : false,
  });
  const payments = useQuery({
    queryKey: ['order', id, 'payments'],
    queryFn: () => listPaymentsOf(id),
    refetchInterval: (query) =>
      settling(queryClient.getQueryData(['order', id]), query.state.data)
        ? SETTLING_POLL_MS
        : false,
  });
  const fulfil = useMutation({
    mutationFn: () => fulfilOrder(id),
    onSuccess: (updated) => {
      queryClient.setQueryData(['order', id], updated);
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      setNotice('The order is marked fulfilled.');
    },
  });

  if (order.isError)
    return (
      <>
        <BackLink />
        <PageHeading title="Order">Order</PageHeading>
        <LoadError error={order.error} retry={() => void order.refetch()} />
      </>
    );
  if (!order.data) return <p role="status">Loading the order…</p>;
  const o = order.data;

  return (
    <>
      <BackLink />
      <div className="page-title">
        <PageHeading title={`Order ${shortId(o.id)}`}>Order {shortId(o.id)}</PageHeading>
        <OrderStatusBadge status={o.status} />
      </div>
      {notice && <Notice>{notice}</Notice>}
      {fulfil.isError && <ErrorSummary message={readableError(fulfil.error).message} />}

      <dl className="summary">
        <div className="summary__wide">
          <dt>Order id</dt>
          <dd>
            <code className="wrap">{o.id}</code>
          </dd>
        </div>
        <div>
          <dt>Placed</dt>
          <dd>{formatDateTime(o.createdAt)}</dd>
        </div>
        <div>
          <dt>Total</dt>
          <dd>{formatMoney(o.total)}</dd>
        </div>
        <div>
          <dt>Refunded</dt>
          <dd>{formatMoney(o.refunded)}</dd>
        </div>
        <div>
          <dt>Paid with</dt>
          <dd>
            <code className="wrap">{o.paymentMethod}</code>
          </dd>
        </div>
        {o.cancelReason && (
          <div>
            <dt>Cancelled because</dt>
            <dd>{o.cancelReason}</dd>
          </div>
        )}
      </dl>

      {o.status === 'paid' && (
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={fulfil.isPending}
            onClick={() => {
              setNotice(null);
              fulfil.mutate();
            }}
          >
            {fulfil.isPending ? 'Marking fulfilled…' : 'Mark fulfilled'}
          </button>
        </div>
      )}

      <section aria-labelledby="items-heading">
        <h2 id="items-heading">Items</h2>
        <TableScroll label="Items">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col" className="numeric">
                  Quantity
                </th>
                <th scope="col" className="numeric">
                  Unit price
                </th>
                <th scope="col" className="numeric">
                  Line total
                </th>
              </tr>
            </thead>
            <tbody>
              {o.lines.map((line) => (
                <tr key={line.productId}>
                  <th scope="row">{line.name}</th>
                  <td className="numeric">{line.quantity}</td>
                  <td className="numeric">{formatMoney(line.unitPrice)}</td>
                  <td className="numeric">{formatMoney(line.lineTotal)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>

      <section aria-labelledby="payments-heading">
        <h2 id="payments-heading">Payments</h2>
        {payments.isError && (
          <LoadError error={payments.error} retry={() => void payments.refetch()} />
        )}
        {payments.isPending && <p role="status">Loading payments…</p>}
        {payments.data?.length === 0 && <p className="empty">No payment has been made yet.</p>}
        {payments.data?.map((payment) => (
          <PaymentPanel
            key={payment.id}
            payment={payment}
            onRefunded={(amount) => setNotice(`A refund of ${formatMoney(amount)} was requested.`)}
          />
        ))}
      </section>

      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ol className="timeline">
          {o.timeline.map((entry, index) => (
            <li key={index}>
              <span className="timeline__status">{ORDER_STATUS_LABELS[entry.status]}</span>
              <span className="timeline__meta">
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> · by {entry.actor}
              </span>
              {entry.reason && <span className="timeline__reason">{entry.reason}</span>}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function BackLink() {
  return (
    <p className="back-link">
      <Link to="/orders">All orders</Link>
    </p>
  );
}

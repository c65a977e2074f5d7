import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ORDER_STATUS_LABELS, ORDER_STATUSES } from '../orders/order-status';
import { shortId } from '../orders/short-id';
import { formatDateTime } from '../ui/dates';
import { LoadError } from '../ui/load-error';
import { formatMoney } from '../ui/money';
import { PageHeading } from '../ui/page-heading';
import { StatusBadge } from '../ui/status-badge';
import { TableScroll } from '../ui/table-scroll';
import { BarChart } from './bar-chart';
import {
  getMessagingStatus,
  getTodaysSales,
  listTroubledPayments,
  MESSAGING_SERVICES,
  type SalesReport,
  type TroubledPayment,
} from './dashboard-api';

/** The dashboard refreshes itself this often while it is open. */
const REFRESH_MS = 30_000;

/** How the shop is doing today, and what needs a person: payments and event delivery. */
export function DashboardPage() {
  const sales = useQuery({
    queryKey: ['dashboard', 'sales'],
    queryFn: () => getTodaysSales(),
    refetchInterval: REFRESH_MS,
  });
  const payments = useQuery({
    queryKey: ['dashboard', 'payments'],
    queryFn: () => listTroubledPayments(),
    refetchInterval: REFRESH_MS,
  });
  return (
    <>
      <PageHeading title="Dashboard">Dashboard</PageHeading>
      <section aria-labelledby="today-heading">
        <h2 id="today-heading">Today</h2>
        {sales.isError && <LoadError error={sales.error} retry={() => void sales.refetch()} />}
        {sales.isPending && <p role="status">Loading today&apos;s sales…</p>}
        {sales.data && <TodaysSales report={sales.data} />}
      </section>
      <section aria-labelledby="payments-heading">
        <h2 id="payments-heading">Payments that need a look</h2>
        {payments.isError && (
          <LoadError error={payments.error} retry={() => void payments.refetch()} />
        )}
        {payments.isPending && <p role="status">Loading payments…</p>}
        {payments.data && (
          <div className="two-columns">
            <PaymentList
              title="Failed"
              empty="No failed payment."
              payments={payments.data.failed}
            />
            <PaymentList
              title="Stuck (pending over 15 minutes)"
              empty="No payment is stuck."
              payments={payments.data.stuck}
            />
          </div>
        )}
      </section>
      <MessagingHealth />
    </>
  );
}

function TodaysSales({ report }: { report: SalesReport }) {
  const byStatus = ORDER_STATUSES.map((status) => ({
    label: ORDER_STATUS_LABELS[status],
    value: report.ordersByStatus[status] ?? 0,
    text: (report.ordersByStatus[status] ?? 0).toLocaleString(),
    tone: status === 'cancelled' ? ('muted' as const) : ('primary' as const),
  }));
  return (
    <>
      {report.currencies.length === 0 ? (
        <p className="empty">No order has been paid today yet.</p>
      ) : (
        <ul className="stat-cards">
          {report.currencies.map((c) => (
            <li key={c.currency} className="stat-card">
              <h3 className="stat-card__title">{c.currency}</h3>
              <dl>
                <div>
                  <dt>Revenue</dt>
                  <dd className="stat-card__figure">{formatMoney(c.revenue)}</dd>
                </div>
                <div>
                  <dt>Paid orders</dt>
                  <dd>{c.paidOrders.toLocaleString()}</dd>
                </div>
                <div>
                  <dt>Refunds</dt>
                  <dd>
                    {c.refunds.count.toLocaleString()} · {formatMoney(c.refunds.amount)}
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
      <div className="two-columns">
        <BarChart title="Orders placed today, by status" bars={byStatus} />
        {report.currencies.map((c) => (
          <BarChart
            key={c.currency}
            title={`Revenue and refunds today (${c.currency})`}
            bars={[
              { label: 'Revenue', value: c.revenue.amount, text: formatMoney(c.revenue) },
              {
                label: 'Refunds',
                value: c.refunds.amount.amount,
                text: formatMoney(c.refunds.amount),
                tone: 'danger',
              },
            ]}
          />
        ))}
      </div>
    </>
  );
}

function PaymentList({
  title,
  empty,
  payments,
}: {
  title: string;
  empty: string;
  payments: TroubledPayment[];
}) {
  return (
    <div>
      <h3>{title}</h3>
      {payments.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <ul className="plain-list plain-list--spaced">
          {payments.map((p) => (
            <li key={p.id}>
              {formatMoney(p.amount)} · {formatDateTime(p.createdAt)}
              {p.orderId && (
                <>
                  {' · '}
                  <Link to={`/orders/${p.orderId}`}>Order {shortId(p.orderId)}</Link>
                </>
              )}
              {p.failureReason && <span className="sku">{p.failureReason}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Seconds as "12 s", "4 min", "2 h". */
const age = (seconds: number) =>
  seconds < 60
    ? `${Math.round(seconds)} s`
    : seconds < 3600
      ? `${Math.round(seconds / 60)} min`
      : `${Math.round(seconds / 3600)} h`;

/** Each service's outbox backlog, consumer lag and dead letters: events on their way. */
function MessagingHealth() {
  const statuses = useQueries({
    queries: MESSAGING_SERVICES.map((service) => ({
      queryKey: ['dashboard', 'messaging', service],
      queryFn: () => getMessagingStatus(service),
      refetchInterval: REFRESH_MS,
    })),
  });
  const failed = statuses.find((s) => s.isError);
  return (
    <section aria-labelledby="messaging-heading">
      <h2 id="messaging-heading">Events between services</h2>
      {failed && (
        <LoadError error={failed.error} retry={() => statuses.forEach((s) => void s.refetch())} />
      )}
      <TableScroll label="Events between services">
        <table className="table">
          <caption className="visually-hidden">
            Outbox, consumer lag and dead letters per service
          </caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col" className="numeric">
                Outbox waiting
              </th>
              <th scope="col" className="numeric">
                Oldest waiting
              </th>
              <th scope="col" className="numeric">
                Consumer lag
              </th>
              <th scope="col" className="numeric">
                Dead letters
              </th>
            </tr>
          </thead>
          <tbody>
            {MESSAGING_SERVICES.map((service, index) => {
              const status = statuses[index]!.data;
              return (
                <tr key={service}>
                  <th scope="row">
                    {service}
                    {status?.kafka === 'unavailable' && (
                      <>
                        {' '}
                        <StatusBadge tone="bad">Kafka unreachable</StatusBadge>
                      </>
                    )}
                  </th>
                  <td className="numeric">
                    {status ? status.outbox.pending.toLocaleString() : '…'}
                  </td>
                  <td className="numeric">
                    {status
                      ? status.outbox.pending > 0
                        ? age(status.outbox.oldestAgeSeconds)
                        : '—'
                      : '…'}
                  </td>
                  <td className="numeric">
                    {status ? (status.consumer ? status.consumer.lag.toLocaleString() : '—') : '…'}
                  </td>
                  <td className="numeric">
                    {!status ? (
                      '…'
                    ) : status.deadLetters === null ? (
                      '—'
                    ) : status.deadLetters > 0 ? (
                      <Link to={`/dead-letters?service=${service}`}>
                        {status.deadLetters.toLocaleString()}
                      </Link>
                    ) : (
                      '0'
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { formatDateTime } from '../ui/dates';
import { LoadError } from '../ui/load-error';
import { formatMoney } from '../ui/money';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { TableScroll } from '../ui/table-scroll';
import {
  isOrderStatus,
  ORDER_STATUS_LABELS,
  ORDER_STATUSES,
  OrderStatusBadge,
} from './order-status';
import { listOrders } from './orders-api';
import { shortId } from './short-id';

/** The cursors of the pages before this one, kept in the history entry (Back works too). */
interface PagingState {
  previous?: (string | null)[];
}

/** Every customer's orders, newest first, narrowed by status, a page at a time. */
export function OrdersPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  const requested = params.get('status');
  const status = isOrderStatus(requested) ? requested : undefined;
  const cursor = params.get('cursor');
  const previous = (location.state as PagingState | null)?.previous ?? [];

  const orders = useQuery({
    queryKey: ['orders', status, cursor],
    queryFn: () => listOrders({ ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) }),
    placeholderData: keepPreviousData,
  });

  const show = (
    next: { status: string | undefined; cursor: string | null },
    state: PagingState,
  ) => {
    const search = new URLSearchParams();
    if (next.status) search.set('status', next.status);
    if (next.cursor) search.set('cursor', next.cursor);
    navigate({ search: search.toString() }, { state });
  };

  return (
    <>
      <PageHeading title="Orders">Orders</PageHeading>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="status-filter">Status</label>
        <select
          id="status-filter"
          value={status ?? ''}
          onChange={(e) => show({ status: e.target.value || undefined, cursor: null }, {})}
        >
          <option value="">All statuses</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {ORDER_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </form>

      {orders.isError && <LoadError error={orders.error} retry={() => void orders.refetch()} />}
      {orders.isPending && <p role="status">Loading orders…</p>}
      {orders.data && (
        <>
          <p className="visually-hidden" role="status">
            {orders.data.items.length === 0
              ? 'No orders found'
              : `Showing ${orders.data.items.length} orders`}
          </p>
          {orders.data.items.length === 0 ? (
            <p className="empty">
              {status
                ? `No orders are ${ORDER_STATUS_LABELS[status].toLowerCase()}.`
                : 'No orders yet.'}
            </p>
          ) : (
            <TableScroll label="Orders">
              <table className="table table--orders">
                <caption className="visually-hidden">Orders, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Order</th>
                    <th scope="col">Placed</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="numeric">
                      Total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {orders.data.items.map((order) => (
                    <tr key={order.id}>
                      <th scope="row">
                        <Link to={`/orders/${order.id}`} aria-label={`Order ${shortId(order.id)}`}>
                          <code>{shortId(order.id)}</code>
                        </Link>
                      </th>
                      <td>{formatDateTime(order.createdAt)}</td>
                      <td>
                        <OrderStatusBadge status={order.status} />
                      </td>
                      <td className="numeric">{formatMoney(order.total)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <Pager
            label="Orders pages"
            hasPrevious={previous.length > 0}
            hasNext={orders.data.nextCursor !== null}
            onPrevious={() =>
              show({ status, cursor: previous.at(-1) ?? null }, { previous: previous.slice(0, -1) })
            }
            onNext={() =>
              show({ status, cursor: orders.data.nextCursor }, { previous: [...previous, cursor] })
            }
          />
        </>
      )}
    </>
  );
}

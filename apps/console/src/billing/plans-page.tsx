import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { formatMoney } from '../ui/money';
import { LoadError } from '../ui/load-error';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { StatusBadge } from '../ui/status-badge';
import { TableScroll } from '../ui/table-scroll';
import { useCursorPaging } from '../ui/use-cursor-paging';
import { listPlans, type Plan } from './billing-api';
import { BillingNav } from './billing-nav';

/** "every month", "every 3 months", "every year". */
export const everyInterval = (plan: Pick<Plan, 'interval' | 'intervalCount'>) =>
  plan.intervalCount === 1
    ? `every ${plan.interval}`
    : `every ${plan.intervalCount} ${plan.interval}s`;

/** The plans customers can subscribe to, and retired ones. */
export function PlansPage() {
  const paging = useCursorPaging();
  const plans = useQuery({
    queryKey: ['plans', paging.cursor],
    queryFn: () => listPlans(paging.cursor),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeading title="Plans">Billing: plans</PageHeading>
      <BillingNav />
      {plans.isError && <LoadError error={plans.error} retry={() => void plans.refetch()} />}
      {plans.isPending && <p role="status">Loading plans…</p>}
      {plans.data &&
        (plans.data.items.length === 0 ? (
          <p className="empty">No plan has been created yet.</p>
        ) : (
          <TableScroll label="Plans">
            <table className="table">
              <caption className="visually-hidden">Plans</caption>
              <thead>
                <tr>
                  <th scope="col">Plan</th>
                  <th scope="col" className="numeric">
                    Price
                  </th>
                  <th scope="col">Trial</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {plans.data.items.map((plan) => (
                  <tr key={plan.id}>
                    <th scope="row">
                      {plan.name}
                      <span className="sku">{plan.code}</span>
                    </th>
                    <td className="numeric">
                      {formatMoney(plan.price)} {everyInterval(plan)}
                    </td>
                    <td>{plan.trialDays > 0 ? `${plan.trialDays} days` : 'None'}</td>
                    <td>
                      {plan.active ? (
                        <StatusBadge tone="good">Offered</StatusBadge>
                      ) : (
                        <StatusBadge tone="neutral">Retired</StatusBadge>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ))}
      {plans.data && (
        <Pager
          label="Plan pages"
          hasPrevious={paging.hasPrevious}
          hasNext={plans.data.nextCursor !== null}
          onPrevious={paging.back}
          onNext={() => paging.next(plans.data.nextCursor!)}
        />
      )}
    </>
  );
}

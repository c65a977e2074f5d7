import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { formatDateTime } from '../ui/dates';
import { humaniseKey } from '../ui/describe-value';
import { LoadError } from '../ui/load-error';
import { formatMoney } from '../ui/money';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { StatusBadge } from '../ui/status-badge';
import { useCursorPaging } from '../ui/use-cursor-paging';
import {
  listSubscriptions,
  SUBSCRIPTION_STATUSES,
  type Subscription,
  type SubscriptionStatus,
} from './billing-api';
import { BillingNav } from './billing-nav';
import { everyInterval } from './plans-page';

const TONES: Record<SubscriptionStatus, 'good' | 'warn' | 'bad' | 'neutral'> = {
  incomplete: 'warn',
  trialing: 'good',
  active: 'good',
  past_due: 'bad',
  canceled: 'neutral',
};

const isStatus = (value: string | null): value is SubscriptionStatus =>
  value !== null && value in SUBSCRIPTION_STATUSES;

/** Every subscription, narrowed by status, each with its timeline and invoices. */
export function SubscriptionsPage() {
  const paging = useCursorPaging();
  const requested = paging.params.get('status');
  const status = isStatus(requested) ? requested : undefined;
  const subscriptions = useQuery({
    queryKey: ['subscriptions', status, paging.cursor],
    queryFn: () =>
      listSubscriptions({
        ...(status ? { status } : {}),
        ...(paging.cursor ? { cursor: paging.cursor } : {}),
      }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeading title="Subscriptions">Billing: subscriptions</PageHeading>
      <BillingNav />
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="subscription-status">Status</label>
        <select
          id="subscription-status"
          value={status ?? ''}
          onChange={(e) => paging.filter({ status: e.target.value })}
        >
          <option value="">All statuses</option>
          {(Object.keys(SUBSCRIPTION_STATUSES) as SubscriptionStatus[]).map((s) => (
            <option key={s} value={s}>
              {SUBSCRIPTION_STATUSES[s]}
            </option>
          ))}
        </select>
      </form>
      {subscriptions.isError && (
        <LoadError error={subscriptions.error} retry={() => void subscriptions.refetch()} />
      )}
      {subscriptions.isPending && <p role="status">Loading subscriptions…</p>}
      {subscriptions.data &&
        (subscriptions.data.items.length === 0 ? (
          <p className="empty">No subscription matches.</p>
        ) : (
          <ul className="card-list">
            {subscriptions.data.items.map((s) => (
              <SubscriptionCard key={s.id} subscription={s} />
            ))}
          </ul>
        ))}
      {subscriptions.data && (
        <Pager
          label="Subscription pages"
          hasPrevious={paging.hasPrevious}
          hasNext={subscriptions.data.nextCursor !== null}
          onPrevious={paging.back}
          onNext={() => paging.next(subscriptions.data.nextCursor!)}
        />
      )}
    </>
  );
}

function SubscriptionCard({ subscription: s }: { subscription: Subscription }) {
  return (
    <li className="panel">
      <div className="page-title">
        <h2 className="panel__title">{s.plan.name}</h2>
        <StatusBadge tone={TONES[s.status]}>{SUBSCRIPTION_STATUSES[s.status]}</StatusBadge>
      </div>
      <dl className="summary summary--compact">
        <div>
          <dt>Price</dt>
          <dd>
            {formatMoney(s.price)} {everyInterval(s)}
          </dd>
        </div>
        <div>
          <dt>Current period</dt>
          <dd>
            {formatDateTime(s.currentPeriodStart)} – {formatDateTime(s.currentPeriodEnd)}
          </dd>
        </div>
        <div>
          <dt>Next renewal</dt>
          <dd>
            {s.cancelAtPeriodEnd
              ? 'Ends with this period'
              : s.nextRenewalAt
                ? formatDateTime(s.nextRenewalAt)
                : '—'}
          </dd>
        </div>
        {s.dunning.failedAttempts > 0 && (
          <div>
            <dt>Failed renewals</dt>
            <dd>
              {s.dunning.failedAttempts}
              {s.dunning.nextRetryAt ? `, retry ${formatDateTime(s.dunning.nextRetryAt)}` : ''}
            </dd>
          </div>
        )}
        <div className="summary__wide">
          <dt>Subscription id</dt>
          <dd>
            <code className="wrap">{s.id}</code>
          </dd>
        </div>
      </dl>
      <details className="disclosure">
        <summary>Timeline and invoices</summary>
        <ol className="timeline">
          {s.timeline.map((entry, index) => (
            <li key={index}>
              <span className="timeline__status">
                {humaniseKey(entry.event).replace(/^./, (c) => c.toUpperCase())}
                {entry.from ? ` (${humaniseKey(entry.from)} → ${humaniseKey(entry.to)})` : ''}
              </span>
              <span className="timeline__meta">
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> · by {entry.actor}
              </span>
              {entry.reason && <span className="timeline__reason">{entry.reason}</span>}
            </li>
          ))}
        </ol>
        {s.invoices.length > 0 && (
          <ul className="plain-list">
            {s.invoices.map((invoice) => (
              <li key={invoice.id}>
                Invoice {invoice.number}, {formatMoney(invoice.total)}, issued{' '}
                {formatDateTime(invoice.issuedAt)}
              </li>
            ))}
          </ul>
        )}
      </details>
    </li>
  );
}

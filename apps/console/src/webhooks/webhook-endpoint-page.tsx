import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { readableError } from '../api/problem-message';
import { formatDateTime } from '../ui/dates';
import { ErrorSummary } from '../ui/error-summary';
import { LoadError } from '../ui/load-error';
import { Notice } from '../ui/notice';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { StatusBadge } from '../ui/status-badge';
import {
  getEndpoint,
  listDeliveries,
  redeliver,
  type Delivery,
  type DeliveryStatus,
} from './webhooks-api';

/** While a redelivered delivery is on its way, the page looks again this often. */
const PENDING_POLL_MS = 1_000;

const DELIVERY_STATUS: Record<DeliveryStatus, { label: string; tone: 'good' | 'warn' | 'bad' }> = {
  pending: { label: 'Pending', tone: 'warn' },
  succeeded: { label: 'Delivered', tone: 'good' },
  failed: { label: 'Failed', tone: 'bad' },
};

/** One endpoint: where it points, whose it is, and its deliveries with every attempt. */
export function WebhookEndpointPage() {
  const { id = '' } = useParams();
  const [notice, setNotice] = useState<string | null>(null);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const queryClient = useQueryClient();

  const endpoint = useQuery({ queryKey: ['webhook-endpoint', id], queryFn: () => getEndpoint(id) });
  const deliveries = useQuery({
    queryKey: ['webhook-deliveries', id, cursor],
    queryFn: () => listDeliveries(id, cursor ? { cursor } : {}),
    placeholderData: keepPreviousData,
    refetchInterval: (query) =>
      query.state.data?.items.some((d) => d.status === 'pending') ? PENDING_POLL_MS : false,
  });
  const resend = useMutation({
    mutationFn: (delivery: Delivery) => redeliver(delivery.id),
    onSuccess: (delivery) => {
      setNotice(`The ${delivery.eventType} delivery is being sent again.`);
      void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', id] });
    },
  });

  if (endpoint.isError)
    return (
      <>
        <BackLink />
        <PageHeading title="Webhook endpoint">Webhook endpoint</PageHeading>
        <LoadError error={endpoint.error} retry={() => void endpoint.refetch()} />
      </>
    );
  if (!endpoint.data) return <p role="status">Loading the endpoint…</p>;
  const e = endpoint.data;

  return (
    <>
      <BackLink />
      <div className="page-title">
        <PageHeading title="Webhook endpoint">Webhook endpoint</PageHeading>
        {e.status === 'disabled' ? (
          <StatusBadge tone="bad">Disabled</StatusBadge>
        ) : (
          <StatusBadge tone="good">Active</StatusBadge>
        )}
      </div>
      {notice && <Notice>{notice}</Notice>}
      {resend.isError && <ErrorSummary message={readableError(resend.error).message} />}
      <dl className="summary">
        <div className="summary__wide">
          <dt>URL</dt>
          <dd>
            <code className="wrap">{e.url}</code>
          </dd>
        </div>
        <div className="summary__wide">
          <dt>Owner</dt>
          <dd className="wrap-anywhere">
            {e.owner.kind === 'client' ? 'Machine client' : 'User'} {e.owner.id}
          </dd>
        </div>
        <div className="summary__wide">
          <dt>Events</dt>
          <dd>{e.eventTypes.join(', ')}</dd>
        </div>
        {e.disabledReason && (
          <div className="summary__wide">
            <dt>Disabled because</dt>
            <dd>{e.disabledReason}</dd>
          </div>
        )}
        {e.failingSince && (
          <div>
            <dt>Failing since</dt>
            <dd>{formatDateTime(e.failingSince)}</dd>
          </div>
        )}
      </dl>

      <section aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Recent deliveries</h2>
        {deliveries.isError && (
          <LoadError error={deliveries.error} retry={() => void deliveries.refetch()} />
        )}
        {deliveries.isPending && <p role="status">Loading deliveries…</p>}
        {deliveries.data?.items.length === 0 && <p className="empty">Nothing was sent yet.</p>}
        <ul className="card-list">
          {deliveries.data?.items.map((delivery) => (
            <li key={delivery.id} className="panel">
              <div className="page-title">
                <h3 className="panel__title">{delivery.eventType}</h3>
                <StatusBadge tone={DELIVERY_STATUS[delivery.status].tone}>
                  {DELIVERY_STATUS[delivery.status].label}
                </StatusBadge>
              </div>
              <p className="panel__subtitle">
                Created {formatDateTime(delivery.createdAt)} · {delivery.attempts}{' '}
                {delivery.attempts === 1 ? 'attempt' : 'attempts'}
                {delivery.nextAttemptAt ? ` · next ${formatDateTime(delivery.nextAttemptAt)}` : ''}
              </p>
              {delivery.attemptLog.length > 0 && (
                <ol className="attempts">
                  {delivery.attemptLog.map((attempt, index) => (
                    <li key={index}>
                      <time dateTime={attempt.at}>{formatDateTime(attempt.at)}</time>:{' '}
                      {attempt.statusCode !== null ? `answered ${attempt.statusCode}` : 'no answer'}
                      {attempt.error && !attempt.error.includes(String(attempt.statusCode))
                        ? ` (${attempt.error})`
                        : ''}{' '}
                      in {attempt.durationMs} ms
                    </li>
                  ))}
                </ol>
              )}
              {delivery.status === 'failed' && (
                <button
                  type="button"
                  className="button button--secondary"
                  disabled={resend.isPending}
                  onClick={() => {
                    setNotice(null);
                    resend.mutate(delivery);
                  }}
                >
                  Redeliver
                </button>
              )}
            </li>
          ))}
        </ul>
        {deliveries.data && (
          <Pager
            label="Delivery pages"
            hasPrevious={cursors.length > 1}
            hasNext={deliveries.data.nextCursor !== null}
            onPrevious={() => setCursors(cursors.slice(0, -1))}
            onNext={() => setCursors([...cursors, deliveries.data.nextCursor!])}
          />
        )}
      </section>
    </>
  );
}

function BackLink() {
  return (
    <p className="back-link">
      <Link to="/webhooks">Webhooks</Link>
    </p>
  );
}

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { formatDateTime } from '../ui/dates';
import { LoadError } from '../ui/load-error';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { StatusBadge } from '../ui/status-badge';
import { TableScroll } from '../ui/table-scroll';
import { useCursorPaging } from '../ui/use-cursor-paging';
import { listEndpoints } from './webhooks-api';

/** Every integrator's webhook endpoints, narrowed by owner; open one for its deliveries. */
export function WebhooksPage() {
  const paging = useCursorPaging();
  const owner = paging.params.get('owner') ?? '';
  const endpoints = useQuery({
    queryKey: ['webhook-endpoints', owner, paging.cursor],
    queryFn: () =>
      listEndpoints({
        ...(owner ? { ownerId: owner } : {}),
        ...(paging.cursor ? { cursor: paging.cursor } : {}),
      }),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeading title="Webhooks">Webhooks</PageHeading>
      <p className="lead">
        Integrators&apos; endpoints for signed event notifications. Open one to see its deliveries
        and send a failed one again.
      </p>
      <OwnerFilter
        key={owner}
        owner={owner}
        onSearch={(value) => paging.filter({ owner: value })}
      />
      {endpoints.isError && (
        <LoadError error={endpoints.error} retry={() => void endpoints.refetch()} />
      )}
      {endpoints.isPending && <p role="status">Loading endpoints…</p>}
      {endpoints.data &&
        (endpoints.data.items.length === 0 ? (
          <p className="empty">
            {owner
              ? 'This owner has no webhook endpoint.'
              : 'No integrator has a webhook endpoint yet.'}
          </p>
        ) : (
          <TableScroll label="Webhook endpoints">
            <table className="table">
              <caption className="visually-hidden">Webhook endpoints, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Owner</th>
                  <th scope="col">State</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {endpoints.data.items.map((endpoint) => (
                  <tr key={endpoint.id}>
                    <th scope="row">
                      <Link to={`/webhooks/${endpoint.id}`} className="wrap-anywhere">
                        {endpoint.url}
                      </Link>
                      {endpoint.description && <span className="sku">{endpoint.description}</span>}
                    </th>
                    <td>
                      <span className="wrap-anywhere">
                        {endpoint.owner.kind === 'client' ? 'Client' : 'User'} {endpoint.owner.id}
                      </span>
                    </td>
                    <td>
                      {endpoint.status === 'disabled' ? (
                        <StatusBadge tone="bad">Disabled</StatusBadge>
                      ) : endpoint.failingSince ? (
                        <StatusBadge tone="warn">Failing</StatusBadge>
                      ) : (
                        <StatusBadge tone="good">Active</StatusBadge>
                      )}
                    </td>
                    <td>{formatDateTime(endpoint.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        ))}
      {endpoints.data && (
        <Pager
          label="Endpoint pages"
          hasPrevious={paging.hasPrevious}
          hasNext={endpoints.data.nextCursor !== null}
          onPrevious={paging.back}
          onNext={() => paging.next(endpoints.data.nextCursor!)}
        />
      )}
    </>
  );
}

function OwnerFilter({ owner, onSearch }: { owner: string; onSearch: (owner: string) => void }) {
  const [value, setValue] = useState(owner);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(value.trim());
  };
  return (
    <form className="filter-grid" onSubmit={submit} aria-label="Filter endpoints">
      <div className="field">
        <label htmlFor="webhook-owner">Owner (user id or client id)</label>
        <input
          id="webhook-owner"
          type="search"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </div>
      <div className="filter-grid__actions">
        <button type="submit" className="button">
          Search
        </button>
      </div>
    </form>
  );
}

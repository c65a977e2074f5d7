import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { LoadError } from '../ui/load-error';
import { PageHeading } from '../ui/page-heading';
import { Pager } from '../ui/pager';
import { useCursorPaging } from '../ui/use-cursor-paging';
import {
  ACTOR_TYPES,
  AUDIT_SERVICES,
  isAuditService,
  listAuditEvents,
  type ActorType,
  type AuditFilter,
} from './audit-api';
import { AuditTable } from './audit-table';

const FILTERS = ['actorType', 'actorId', 'action', 'targetType', 'targetId', 'from', 'to'] as const;

/** `datetime-local` (the reader's time) ↔ the API's ISO instants. */
const toInstant = (local: string) => (local ? new Date(local).toISOString() : undefined);
const toLocal = (iso: string | null) => {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** The audit trail of a service, newest first, narrowed by actor, action, target and time. */
export function AuditPage() {
  const paging = useCursorPaging();
  const { params } = paging;
  const requested = params.get('service');
  const service = isAuditService(requested) ? requested : AUDIT_SERVICES[0];
  const filter: AuditFilter = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) (filter as Record<string, string>)[name] = value;
  }
  if (filter.actorType && !(filter.actorType in ACTOR_TYPES)) delete filter.actorType;

  const events = useQuery({
    queryKey: ['audit', service, filter, paging.cursor],
    queryFn: () =>
      listAuditEvents(service, {
        ...filter,
        ...(paging.cursor ? { cursor: paging.cursor } : {}),
      }),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeading title="Audit trail">Audit trail</PageHeading>
      <p className="lead">
        Every security-relevant or money-moving action, as each service recorded it in the same
        transaction as the action.
      </p>
      <AuditFilterForm
        key={params.toString()}
        service={service}
        filter={filter}
        onSearch={(values) => paging.filter(values)}
      />
      {events.isError && <LoadError error={events.error} retry={() => void events.refetch()} />}
      {events.isPending && <p role="status">Loading the audit trail…</p>}
      {events.data && (
        <>
          <p className="visually-hidden" role="status">
            {events.data.items.length === 0
              ? 'No entries found'
              : `Showing ${events.data.items.length} entries`}
          </p>
          {events.data.items.length === 0 ? (
            <p className="empty">No entry matches these filters.</p>
          ) : (
            <AuditTable events={events.data.items} label="Audit entries" />
          )}
          <Pager
            label="Audit pages"
            hasPrevious={paging.hasPrevious}
            hasNext={events.data.nextCursor !== null}
            onPrevious={paging.back}
            onNext={() => paging.next(events.data.nextCursor!)}
          />
        </>
      )}
    </>
  );
}

function AuditFilterForm({
  service,
  filter,
  onSearch,
}: {
  service: string;
  filter: AuditFilter;
  onSearch: (values: Record<string, string | undefined>) => void;
}) {
  const [values, setValues] = useState({
    service,
    actorType: filter.actorType ?? '',
    actorId: filter.actorId ?? '',
    action: filter.action ?? '',
    targetType: filter.targetType ?? '',
    targetId: filter.targetId ?? '',
    from: toLocal(filter.from ?? null),
    to: toLocal(filter.to ?? null),
  });
  const set = (name: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues({ ...values, [name]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch({
      ...values,
      service: values.service === AUDIT_SERVICES[0] ? undefined : values.service,
      actorId: values.actorId.trim(),
      action: values.action.trim(),
      targetType: values.targetType.trim(),
      targetId: values.targetId.trim(),
      from: toInstant(values.from),
      to: toInstant(values.to),
    });
  };
  return (
    <form className="filter-grid" onSubmit={submit} aria-label="Filter the audit trail">
      <div className="field">
        <label htmlFor="audit-service">Service</label>
        <select id="audit-service" value={values.service} onChange={set('service')}>
          {AUDIT_SERVICES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="audit-actor-type">Actor</label>
        <select id="audit-actor-type" value={values.actorType} onChange={set('actorType')}>
          <option value="">Anyone</option>
          {(Object.keys(ACTOR_TYPES) as ActorType[]).map((type) => (
            <option key={type} value={type}>
              {ACTOR_TYPES[type]}
            </option>
          ))}
        </select>
      </div>
      <TextFilter
        id="audit-actor-id"
        label="Actor id"
        value={values.actorId}
        onChange={set('actorId')}
      />
      <TextFilter
        id="audit-action"
        label="Action"
        hint="e.g. user.disabled"
        value={values.action}
        onChange={set('action')}
      />
      <TextFilter
        id="audit-target-type"
        label="Target type"
        hint="e.g. user"
        value={values.targetType}
        onChange={set('targetType')}
      />
      <TextFilter
        id="audit-target-id"
        label="Target id"
        value={values.targetId}
        onChange={set('targetId')}
      />
      <div className="field">
        <label htmlFor="audit-from">From</label>
        <input id="audit-from" type="datetime-local" value={values.from} onChange={set('from')} />
      </div>
      <div className="field">
        <label htmlFor="audit-to">Until</label>
        <input id="audit-to" type="datetime-local" value={values.to} onChange={set('to')} />
      </div>
      <div className="filter-grid__actions">
        <button type="submit" className="button">
          Search
        </button>
      </div>
    </form>
  );
}

function TextFilter({
  id,
  label,
  hint,
  value,
  onChange,
}: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onChange: (event: { target: { value: string } }) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        onChange={onChange}
        autoComplete="off"
        spellCheck={false}
        placeholder={hint}
      />
    </div>
  );
}

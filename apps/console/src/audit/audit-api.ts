import type { operations } from '@switchyard/client';
import { api } from '../api/api-client';

// The audit trail's searches, on the public API through the typed client. Each service keeps
// its own trail (ADR 18) under /v1/admin/audit-events/<service>, with the same filters.

export const AUDIT_EVENTS_PER_PAGE = 25;

/** The services whose trail the console can search. */
export const AUDIT_SERVICES = ['auth', 'order', 'payment', 'notification', 'billing'] as const;
export type AuditService = (typeof AUDIT_SERVICES)[number];

export const isAuditService = (value: string | null): value is AuditService =>
  (AUDIT_SERVICES as readonly (string | null)[]).includes(value);

export type AuditFilter = Omit<
  NonNullable<operations['listAuthAuditEvents']['parameters']['query']>,
  'limit'
>;
export type ActorType = NonNullable<AuditFilter['actorType']>;
export const ACTOR_TYPES: Record<ActorType, string> = {
  user: 'Customer',
  admin: 'Admin',
  client: 'Machine client',
  system: 'System',
  anonymous: 'Anonymous',
};

/** One page of a service's trail, newest first, narrowed by `filter`. */
export async function listAuditEvents(service: AuditService, filter: AuditFilter) {
  const query = { limit: AUDIT_EVENTS_PER_PAGE, ...withoutEmpty(filter) };
  switch (service) {
    case 'auth': {
      const { data } = await api.GET('/v1/admin/audit-events/auth', { params: { query } });
      return data!;
    }
    case 'order': {
      const { data } = await api.GET('/v1/admin/audit-events/order', { params: { query } });
      return data!;
    }
    case 'payment': {
      const { data } = await api.GET('/v1/admin/audit-events/payment', { params: { query } });
      return data!;
    }
    case 'notification': {
      const { data } = await api.GET('/v1/admin/audit-events/notification', { params: { query } });
      return data!;
    }
    case 'billing': {
      const { data } = await api.GET('/v1/admin/audit-events/billing', { params: { query } });
      return data!;
    }
  }
}

export type AuditEvent = Awaited<ReturnType<typeof listAuditEvents>>['items'][number];

function withoutEmpty<T extends object>(filter: T): T {
  return Object.fromEntries(
    Object.entries(filter).filter(([, value]) => value !== undefined && value !== ''),
  ) as T;
}

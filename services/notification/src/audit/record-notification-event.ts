import {
  changedFields,
  streamRecorder,
  type AuditContext,
  type AuditTarget,
  type FieldChanges,
} from '@switchyard/audit';
import type { WebhookEndpoint } from '../generated/prisma/client.js';

/** The notification service's one audit stream (ADR 18): webhook endpoints and deliveries, dead letters. */
export const NOTIFICATION_AUDIT_STREAM = 'notification';

/**
 * Record an action of the notification service in its trail, inside the action's transaction,
 * as its last statement (the stream's lock is held until the commit).
 */
export const recordNotificationEvent = streamRecorder(NOTIFICATION_AUDIT_STREAM);

/** The notification service itself (disabling an endpoint that keeps failing). */
export const NOTIFICATION_SERVICE: AuditContext = { actor: { type: 'system', id: 'notification' } };

export const webhookEndpointTarget = (id: string): AuditTarget => ({
  type: 'webhook_endpoint',
  id,
});
export const webhookDeliveryTarget = (id: string): AuditTarget => ({
  type: 'webhook_delivery',
  id,
});

/** What the trail shows of an endpoint: never its secrets (sealed or not), only that they changed. */
const AUDITED_FIELDS = ['url', 'eventTypes', 'description', 'status', 'disabledReason'] as const;
type AuditedEndpoint = Pick<WebhookEndpoint, (typeof AUDITED_FIELDS)[number]>;

/** Before and after of an endpoint's audited fields (before null: created; after null: deleted). */
export function endpointChanges(
  before: AuditedEndpoint | null,
  after: AuditedEndpoint | null,
): FieldChanges {
  if (after) return changedFields(before, after, [...AUDITED_FIELDS]);
  return Object.fromEntries(
    AUDITED_FIELDS.map((field) => [field, { before: before?.[field] ?? null, after: null }]),
  );
}

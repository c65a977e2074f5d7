import type { EventEnvelope, EventName } from '@switchyard/contracts';

/** Events integrators may subscribe to. Account events (a reset token!) never leave. */
export const WEBHOOK_EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.cancelled',
  'payment.failed',
  'payment.action_required',
  'payment.refunded',
] as const satisfies readonly EventName[];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEvent = (name: string): name is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(name);

/** The body integrators receive: the event's id (their dedup key), type, time and data. */
export function webhookPayload(event: EventEnvelope<EventName>): string {
  return JSON.stringify({
    id: event.id,
    type: event.name,
    createdAt: event.time,
    data: event.data,
  });
}

import type { EventEnvelope, EventName } from '@switchyard/contracts';

/** Events integrators may subscribe to. Account events (a reset token!) never leave. */
export const WEBHOOK_EVENT_TYPES = [
  'order.created',
  'order.paid',
  'order.cancelled',
  'payment.failed',
  'payment.action_required',
  'payment.refunded',
  'subscription.created',
  'subscription.trial_started',
  'subscription.activated',
  'subscription.renewed',
  'subscription.payment_failed',
  'subscription.recovered',
  'subscription.plan_changed',
  'subscription.cancel_scheduled',
  'subscription.canceled',
  'invoice.issued',
  'credit_note.issued',
] as const satisfies readonly EventName[];
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEvent = (name: string): name is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(name);

/**
 * What of an event's data integrators get. An issued document's rendered PDF (hundreds of
 * kilobytes in base64, in every delivery and retry) stays behind: they download it from
 * `GET /v1/invoices/{id}.pdf` when they want it.
 */
function webhookData(event: EventEnvelope<EventName>): unknown {
  if (event.name === 'invoice.issued' || event.name === 'credit_note.issued') {
    const { pdfBase64: _pdf, ...data } = event.data as EventEnvelope<'invoice.issued'>['data'];
    return data;
  }
  return event.data;
}

/** The body integrators receive: the event's id (their dedup key), type, time and data. */
export function webhookPayload(event: EventEnvelope<EventName>): string {
  return JSON.stringify({
    id: event.id,
    type: event.name,
    createdAt: event.time,
    data: webhookData(event),
  });
}

import type { IntegratorReceiver } from '../webhook-receiver.js';
import { checkResult, type CheckResult, type RunData } from './check.js';
import { producedEvents } from './notifications.js';

const WEBHOOK_EVENTS = [
  'order.created',
  'order.paid',
  'order.cancelled',
  'payment.failed',
  'payment.refunded',
];

/**
 * Every order and payment event reached every subscribed endpoint at least once (the flaky one
 * too, after its outage), verified with the Standard Webhooks library; a receiver that
 * deduplicates by webhook-id sees each exactly once. Redeliveries are counted apart.
 */
export async function checkWebhooks(
  data: RunData,
  receiver: IntegratorReceiver,
): Promise<CheckResult> {
  const events = await producedEvents(data, WEBHOOK_EVENTS);
  const problems: string[] = [];
  const figures: Record<string, number> = {
    events: events.length,
    badSignatures: receiver.badSignatures(),
  };
  if (receiver.badSignatures())
    problems.push(`${receiver.badSignatures()} deliveries failed verification`);
  for (const path of receiver.paths) {
    const accepted = receiver.accepted.get(path)!;
    const label = path.slice(1);
    const missing = events.filter((e) => !accepted.has(e.id));
    for (const e of missing.slice(0, 10))
      problems.push(`${path} never received ${e.event_type} ${e.id}`);
    if (missing.length > 10) problems.push(`${path}: ${missing.length} events missing in all`);
    const expected = new Set(events.map((e) => e.id));
    figures[`${label}_missing`] = missing.length;
    figures[`${label}_distinct`] = [...accepted.keys()].filter((id) => expected.has(id)).length;
    figures[`${label}_redelivered`] = [...accepted.values()].filter((n) => n > 1).length;
  }
  return checkResult(
    'webhooks: every event at every endpoint, once after dedup',
    figures,
    problems,
  );
}

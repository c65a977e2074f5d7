import { fetchCapturedEmails, queryDb } from '@switchyard/testing';
import { checkResult, type CheckResult, type RunData } from './check.js';

/** The events that notify their user (services/notification/src/domain/compose-message.ts). */
export const NOTIFYING_EVENTS = [
  'user.registered',
  'order.created',
  'order.paid',
  'order.cancelled',
  'payment.failed',
  'payment.refunded',
];

interface SourceEvent {
  id: string;
  event_type: string;
  message_key: string;
}

/** Events the producing services committed (their outboxes): what must have been notified. */
export async function producedEvents(data: RunData, types: string[]): Promise<SourceEvent[]> {
  const all: SourceEvent[] = [];
  for (const db of [data.databases.auth, data.databases.order, data.databases.payment])
    all.push(
      ...(await queryDb<SourceEvent>(
        db,
        'SELECT id::text, event_type, message_key FROM outbox_events WHERE event_type = ANY($1)',
        [types],
      )),
    );
  return all;
}

/**
 * Per user and event, exactly one inbox row and exactly one email — counted from the
 * notification database and from what the SMTP server received, not from our bookkeeping
 * alone. An email received twice under one Message-ID is the documented at-least-once window
 * (a crash between the SMTP server's acceptance and our commit); reported apart.
 */
export async function checkNotifications(data: RunData): Promise<CheckResult> {
  const problems: string[] = [];
  const events = await producedEvents(data, NOTIFYING_EVENTS);
  const inbox = await queryDb<{ source_event_id: string; n: number }>(
    data.databases.notification,
    'SELECT source_event_id, count(*)::int AS n FROM notifications GROUP BY source_event_id',
  );
  const inboxCount = new Map(inbox.map((r) => [r.source_event_id, r.n]));
  let missingInbox = 0;
  let duplicateInbox = 0;
  for (const e of events) {
    const n = inboxCount.get(e.id) ?? 0;
    if (n === 0) {
      missingInbox++;
      problems.push(`${e.event_type} ${e.id} (key ${e.message_key}) has no inbox row`);
    }
    if (n > 1) {
      duplicateInbox++;
      problems.push(`${e.event_type} ${e.id} has ${n} inbox rows`);
    }
  }
  // The same business fact announced twice (two events of one type for one order) notifies
  // twice under two event ids: a duplicate the inbox's unique key cannot catch.
  const facts = new Map<string, number>();
  for (const e of events)
    if (e.event_type !== 'payment.refunded')
      facts.set(
        `${e.event_type} ${e.message_key}`,
        (facts.get(`${e.event_type} ${e.message_key}`) ?? 0) + 1,
      );
  let duplicateFacts = 0;
  for (const [fact, n] of facts)
    if (n > 1) {
      duplicateFacts++;
      problems.push(`${fact} was announced ${n} times`);
    }

  const deliveries = await queryDb<{ id: string; status: string }>(
    data.databases.notification,
    'SELECT id::text, status FROM email_deliveries',
  );
  const received = new Map<string, number>();
  for (const email of await fetchCapturedEmails(data.smtpWebUrl)) {
    // The dispatcher sends Message-ID <delivery id@switchyard>; MailDev keeps it without <>.
    const id = String(email.messageId ?? '')
      .replace(/^<|>$/g, '')
      .replace(/@switchyard$/, '');
    received.set(id, (received.get(id) ?? 0) + 1);
  }
  let emailsMissing = 0;
  let emailsResent = 0;
  let notSent = 0;
  for (const d of deliveries) {
    const n = received.get(d.id) ?? 0;
    if (d.status !== 'sent') {
      notSent++;
      problems.push(`email ${d.id} is ${d.status}, not sent`);
    } else if (n === 0) {
      emailsMissing++;
      problems.push(`email ${d.id} is marked sent and the SMTP server never received it`);
    }
    if (n > 1) emailsResent++;
  }
  const known = new Set(deliveries.map((d) => d.id));
  const strangers = [...received.keys()].filter((id) => !known.has(id)).length;
  if (strangers) problems.push(`${strangers} emails received that no delivery row accounts for`);
  return checkResult(
    'notifications: one inbox row and one email per user and event',
    {
      notifyingEvents: events.length,
      inboxRows: inbox.reduce((s, r) => s + r.n, 0),
      missingInbox,
      duplicateInbox,
      duplicateFacts,
      emailDeliveries: deliveries.length,
      emailsReceived: [...received.values()].reduce((a, b) => a + b, 0),
      emailsNotSent: notSent,
      emailsMissing,
      emailsReceivedTwiceSameMessageId: emailsResent,
    },
    problems,
  );
}

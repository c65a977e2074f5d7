import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { request } from 'undici';
import type { SandboxEvent } from './events.js';
import type { StoredObject } from './store.js';
import { SIGNATURE_HEADER, signWebhook } from './signature.js';

export interface DeliveryRecord {
  eventId: string;
  type: SandboxEvent['type'];
  /** The id of the event's object (`data.object.id`). */
  objectId: string;
  /** The payment the event is about, if any (the intent, its charge's, its refund's). */
  paymentIntentId: string | null;
  /** The charge the event is about, if any (the charge, an intent's latest, a refund's). */
  chargeId: string | null;
  attempt: number;
  status: number | 'network_error';
  /** The exact body sent, so a test can replay a genuine delivery. */
  body: string;
}

/** The payment and charge an event is about, for a test to find its deliveries. */
function paymentOf(event: SandboxEvent): Pick<DeliveryRecord, 'paymentIntentId' | 'chargeId'> {
  const object = event.data.object as StoredObject & {
    payment_intent?: unknown;
    latest_charge?: unknown;
    charge?: unknown;
  };
  const id = (value: unknown) => (typeof value === 'string' ? value : null);
  if (object.object === 'payment_intent')
    return { paymentIntentId: object.id, chargeId: id(object.latest_charge) };
  if (object.object === 'charge')
    return { paymentIntentId: id(object.payment_intent), chargeId: object.id };
  if (object.object === 'refund')
    return { paymentIntentId: id(object.payment_intent), chargeId: id(object.charge) };
  return { paymentIntentId: null, chargeId: null };
}

/**
 * Sends signed webhooks to the merchant's endpoint, one payment's events in the order given, each
 * retried with exponential backoff until a 2xx or the attempt limit — as real providers do.
 * Redirects are not followed: a 3xx counts as a failed attempt.
 */
export class WebhookSender {
  readonly deliveries: DeliveryRecord[] = [];
  private readonly queues = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly options: {
      url?: string;
      secret: string;
      retryMs: number;
      maxAttempts: number;
      log: FastifyBaseLogger;
    },
  ) {}

  /** Streams with events still to deliver (a test waits for none before it closes). */
  get pendingStreams(): number {
    return this.queues.size;
  }

  /** Whether an endpoint is set (each event's `pending_webhooks`). */
  get endpoints(): number {
    return this.options.url ? 1 : 0;
  }

  /**
   * Queue these events of one stream (a payment, a customer) for delivery in this order, each
   * `copies` times, after that stream's earlier events.
   */
  send(stream: string, events: SandboxEvent[], copies = 1): void {
    if (!this.options.url || events.length === 0) return;
    const previous = this.queues.get(stream) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (const event of events) for (let i = 0; i < copies; i++) await this.deliver(event);
    });
    this.queues.set(stream, next);
    void next.finally(() => {
      if (this.queues.get(stream) === next) this.queues.delete(stream);
    });
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.queues.values());
  }

  private async deliver(event: SandboxEvent): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      if (this.stopping.signal.aborted) return;
      const status = await this.post(body);
      this.deliveries.push({
        eventId: event.id,
        type: event.type,
        objectId: event.data.object.id,
        ...paymentOf(event),
        attempt,
        status,
        body,
      });
      if (typeof status === 'number' && status >= 200 && status < 300) return;
      this.options.log.warn({ eventId: event.id, attempt, status }, 'webhook delivery failed');
      try {
        await sleep(this.options.retryMs * 2 ** (attempt - 1), undefined, {
          signal: this.stopping.signal,
        });
      } catch {
        return; // shutting down
      }
    }
    this.options.log.error({ eventId: event.id }, 'webhook delivery gave up');
  }

  private async post(body: string): Promise<number | 'network_error'> {
    try {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await request(this.options.url!, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(this.options.secret, body, timestamp),
        },
        signal: AbortSignal.timeout(10_000),
      });
      await response.body.dump();
      return response.statusCode;
    } catch {
      return 'network_error';
    }
  }
}

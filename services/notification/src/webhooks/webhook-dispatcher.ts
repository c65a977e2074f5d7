import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import type { Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import {
  endpointChanges,
  NOTIFICATION_SERVICE,
  recordNotificationEvent,
  webhookEndpointTarget,
} from '../audit/record-notification-event.js';
import { notifyEndpointDisabled } from './endpoint-disabled.js';
import type { SecretBox } from '@switchyard/service-kit';
import { assertSafeWebhookUrl, guardedLookup, type TargetPolicy } from './ssrf-guard.js';
import {
  legacySignature,
  LEGACY_SIGNATURE_HEADER,
  standardSignature,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from './webhook-signature.js';
import { webhookAttempts, webhookEndpointsDisabled } from '../notification-metrics.js';

export interface WebhookDispatcherOptions {
  db: Db;
  secrets: SecretBox;
  policy: TargetPolicy;
  logger: Logger;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** An endpoint failing without a success for this long is disabled and its owner told. */
  disableAfterSeconds: number;
  /** After the owner was told (an email queued): let the email dispatcher send it. */
  onOwnerNotified: () => void;
}

/** Exponential backoff with full jitter: anywhere in [base·2^(n−1)/2, base·2^(n−1)], ≤ 1 h. */
export function retryDelayMs(attempt: number, baseMs: number, random = Math.random): number {
  const ceiling = Math.min(3_600_000, baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * How long a claimed delivery is this replica's: a minute, and at least four request timeouts,
 * so a request that times out still ends well inside its lease.
 */
const leaseSecondsFor = (timeoutMs: number) => Math.max(60, Math.ceil((timeoutMs * 4) / 1000));

/**
 * Delivers queued webhooks. Each pass claims due deliveries with FOR UPDATE SKIP LOCKED,
 * pushes their next attempt a lease ahead (if this replica dies mid-send, another retries
 * then) and writes the claim's owner token, so replicas never send one delivery at the same
 * time. An attempt's outcome is recorded only while the row still carries that token: if a
 * request outlived its lease anyway (a long pause) and another replica claimed the delivery,
 * the late outcome is logged and dropped, so it cannot turn `succeeded` back into `pending`.
 * Every recorded attempt is kept; redirects are never followed; the URL is checked again, and
 * the connection's own DNS answer too, before anything is sent.
 */
export class WebhookDispatcher {
  private readonly agent: Agent;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.agent = new Agent({
      connect: { lookup: guardedLookup(options.policy) as never, timeout: options.timeoutMs },
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Deliver everything due now; returns how many attempts were made. */
  async runOnce(): Promise<number> {
    const leaseToken = randomUUID();
    const due = await this.options.db.$queryRaw<{ id: string }[]>`
      UPDATE webhook_deliveries
         SET next_attempt_at = now() + make_interval(secs => ${leaseSecondsFor(this.options.timeoutMs)}),
             lease_token = ${leaseToken}::uuid
       WHERE id IN (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND e.status = 'active'
          ORDER BY d.next_attempt_at LIMIT 20
          FOR UPDATE OF d SKIP LOCKED)
      RETURNING id::text`;
    // Each delivery on its own: one that cannot even be attempted (say, a secret that no longer
    // decrypts) is logged and comes back after its lease, while the others go out.
    const outcomes = await Promise.allSettled(due.map((d) => this.attempt(d.id, leaseToken)));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected')
        this.options.logger.error(
          { deliveryId: due[i]!.id, err: outcome.reason },
          'webhook delivery could not be attempted',
        );
    });
    await this.disableFailingEndpoints();
    return due.length;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async attempt(deliveryId: string, leaseToken: string): Promise<void> {
    const { db, logger } = this.options;
    const delivery = await db.webhookDelivery.findUniqueOrThrow({
      where: { id: deliveryId },
      include: { endpoint: true },
    });
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      await assertSafeWebhookUrl(delivery.endpoint.url, this.options.policy);
      const timestamp = Math.floor(Date.now() / 1000);
      const secrets = signingSecretsOf(delivery.endpoint, this.options.secrets);
      const response = await request(delivery.endpoint.url, {
        method: 'POST',
        dispatcher: this.agent,
        body: delivery.payload,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchyard-Webhooks/1',
          [WEBHOOK_ID_HEADER]: delivery.eventId,
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_SIGNATURE_HEADER]: standardSignature(
            secrets,
            delivery.eventId,
            timestamp,
            delivery.payload,
          ),
          // Until integrators have moved to the Standard Webhooks headers (docs/notifications.md).
          [LEGACY_SIGNATURE_HEADER]: legacySignature(secrets, timestamp, delivery.payload),
          'switchyard-event-id': delivery.eventId,
          'switchyard-event-type': delivery.eventType,
          'switchyard-delivery-id': delivery.id,
        },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.body.dump();
      statusCode = response.statusCode;
      if (statusCode >= 300) error = `answered ${statusCode}`;
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    }
    const durationMs = Date.now() - started;
    const attempts = delivery.attempts + 1;
    const succeeded = error === null;
    const failed = !succeeded && attempts >= this.options.maxAttempts;
    // Only the claim that still owns the delivery (its token, exactly one row) records it.
    const recorded = await db.$transaction(async (tx) => {
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id: deliveryId, leaseToken },
        data: {
          attempts,
          lastStatusCode: statusCode,
          lastError: error,
          status: succeeded ? 'succeeded' : failed ? 'failed' : 'pending',
          ...(succeeded ? { deliveredAt: new Date() } : {}),
          nextAttemptAt: new Date(
            Date.now() +
              (succeeded || failed ? 0 : retryDelayMs(attempts, this.options.retryBaseMs)),
          ),
          leaseToken: null,
        },
      });
      if (count !== 1) return false;
      await tx.webhookAttempt.create({
        data: { id: randomUUID(), deliveryId, statusCode, error, durationMs },
      });
      return true;
    });
    if (!recorded) {
      logger.warn(
        { deliveryId, endpointId: delivery.endpointId, leaseLost: true, statusCode, error },
        'webhook attempt outlived its lease and another claim owns the delivery: outcome not recorded',
      );
      return;
    }
    webhookAttempts.inc({ outcome: succeeded ? 'delivered' : failed ? 'failed' : 'retrying' });
    logger[succeeded ? 'info' : 'warn'](
      { deliveryId, endpointId: delivery.endpointId, attempts, statusCode, error, failed },
      succeeded ? 'webhook delivered' : 'webhook delivery failed',
    );
    await this.updateEndpointHealth(delivery.endpointId, succeeded);
  }

  private async updateEndpointHealth(endpointId: string, succeeded: boolean): Promise<void> {
    const { db } = this.options;
    if (succeeded) {
      await db.webhookEndpoint.updateMany({
        where: { id: endpointId, failingSince: { not: null } },
        data: { failingSince: null },
      });
      return;
    }
    await db.webhookEndpoint.updateMany({
      where: { id: endpointId, failingSince: null },
      data: { failingSince: new Date() },
    });
  }

  /**
   * Endpoints failing with no success for too long: disabled (once), their owners told in the
   * same transaction (a crash between the two would leave an endpoint disabled in silence).
   */
  private async disableFailingEndpoints(): Promise<void> {
    const { db } = this.options;
    const cutoff = new Date(Date.now() - this.options.disableAfterSeconds * 1000);
    const { disabled, told } = await db.$transaction(async (tx) => {
      const disabled = await tx.webhookEndpoint.updateManyAndReturn({
        where: { status: 'active', failingSince: { lte: cutoff } },
        data: {
          status: 'disabled',
          disabledReason: `failing since more than ${this.options.disableAfterSeconds} s`,
        },
      });
      let told = 0;
      for (const endpoint of disabled) if (await notifyEndpointDisabled(tx, endpoint)) told++;
      // Last: the trail's lock is held until the commit.
      for (const endpoint of disabled) {
        await recordNotificationEvent(tx, NOTIFICATION_SERVICE, {
          action: 'webhook_endpoint.disabled',
          target: webhookEndpointTarget(endpoint.id),
          changes: endpointChanges(
            { ...endpoint, status: 'active', disabledReason: null },
            endpoint,
          ),
          details: { failingSince: endpoint.failingSince },
        });
      }
      return { disabled, told };
    });
    for (const endpoint of disabled) {
      webhookEndpointsDisabled.inc();
      this.options.logger.warn(
        { endpointId: endpoint.id },
        'webhook endpoint disabled after failing too long',
      );
    }
    if (told > 0) this.options.onOwnerNotified();
  }
}

/** The endpoint's current secret, and the one a rotation replaced while it still overlaps. */
function signingSecretsOf(
  endpoint: {
    secretCiphertext: string;
    previousSecretCiphertext: string | null;
    previousSecretExpiresAt: Date | null;
  },
  box: SecretBox,
): string[] {
  const secrets = [box.open(endpoint.secretCiphertext)];
  if (
    endpoint.previousSecretCiphertext &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt.getTime() > Date.now()
  ) {
    secrets.push(box.open(endpoint.previousSecretCiphertext));
  }
  return secrets;
}

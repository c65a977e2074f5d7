import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { AppError } from '@switchyard/service-kit';
import { applyProviderCharge } from '../payments/apply-provider-charge.js';
import { chargeAlreadyApplied } from '../payments/charge-already-applied.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';
import { webhooksReceived } from '../payments/payment-metrics.js';
import { ProviderUnavailableError, type ProviderCharge } from '../provider/provider-types.js';
import { chargeSnapshot } from '../provider/stripe-snapshot.js';
import { SIGNATURE_HEADER, verifyWebhook } from '../provider/verify-webhook.js';
import { WebhookAck } from '../schemas/webhook.js';

const UUID = /^[0-9a-f-]{36}$/;

/** The parts of an event this route reads, present and of their kind. */
function isEvent(value: unknown): value is Stripe.Event {
  const event = value as Partial<Stripe.Event> | null;
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof event.id === 'string' &&
    event.id.length > 0 &&
    event.id.length <= 255 &&
    typeof event.type === 'string' &&
    typeof event.data === 'object' &&
    event.data !== null &&
    typeof event.data.object === 'object' &&
    event.data.object !== null
  );
}

/** The PaymentIntent a refund or charge event is about, if it says. */
function intentIdOf(object: Stripe.Event.Data['object']): string | undefined {
  const intent = (object as { payment_intent?: string | { id: string } | null }).payment_intent;
  return typeof intent === 'string' ? intent : intent?.id;
}

/**
 * POST /v1/payments/webhooks/provider — the provider's asynchronous answers (Stripe's event
 * delivery). Public (no access token): the `Stripe-Signature` HMAC over timestamp and raw body,
 * checked by the SDK, is the authentication.
 * - `payment_intent.*` carries the whole PaymentIntent: one that reports what the payment
 *   already holds is acknowledged after one read (chargeAlreadyApplied); any other is applied
 *   once (its event id recorded in the same transaction) under the payment's lock.
 * - `charge.refunded` and `refund.*` carry no list of the refunds with our ids on them: the
 *   payment is refreshed from the provider (idempotent), and a provider we cannot reach answers
 *   503 so the delivery is retried.
 * - Anything else is acknowledged and ignored, as the provider expects.
 */
export async function providerWebhookRoutes(
  app: FastifyInstance,
  options: {
    sdk: Stripe;
    processor: PaymentProcessor;
    secret: string;
    toleranceSeconds: number;
    onApplied: (refunds: string[]) => Promise<void>;
  },
): Promise<void> {
  // The signature covers the exact bytes sent: keep the body as a string, parse it ourselves.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  /** Apply a PaymentIntent event's snapshot once. */
  async function applyIntentEvent(event: Stripe.Event, charge: ProviderCharge) {
    // The common case: the consumer applied the provider's immediate answer already, and this
    // webhook reports the same. Acknowledged after one read, with nothing written.
    if (await chargeAlreadyApplied(app.db.pool, charge)) return 'already_applied' as const;
    const outcome = await app.db.$transaction(async (tx) => {
      // A concurrent delivery of the same event waits here on the key, then skips.
      const first = await tx.providerWebhookEvent.createMany({
        data: [{ id: event.id, type: event.type, chargeId: charge.id }],
        skipDuplicates: true,
      });
      if (first.count === 0) return { kind: 'duplicate' as const };
      const paymentId = charge.metadata.payment_id ?? '';
      const payment = await tx.payment.findFirst({
        where: {
          OR: [
            { providerChargeId: charge.id },
            ...(UUID.test(paymentId) ? [{ id: paymentId }] : []),
          ],
        },
      });
      if (!payment) return { kind: 'unknown_charge' as const };
      return { kind: 'applied' as const, ...(await applyProviderCharge(tx, payment.id, charge)) };
    });
    if (outcome.kind === 'applied') await options.onApplied(outcome.refundsToExecute);
    return outcome.kind;
  }

  /** A refund happened: read the payment's refunds from the provider and apply them. */
  async function refreshForRefund(intentId: string | undefined) {
    const payment = intentId
      ? await app.db.payment.findFirst({ where: { providerChargeId: intentId } })
      : null;
    if (!payment) return 'unknown_charge' as const;
    try {
      const result = await options.processor.refresh(payment);
      return result?.changed ? ('applied' as const) : ('already_applied' as const);
    } catch (error) {
      if (error instanceof ProviderUnavailableError)
        throw new AppError(
          'UNAVAILABLE',
          'the provider cannot be reached to read the refund; retry',
        );
      throw error;
    }
  }

  app.post(
    '/v1/payments/webhooks/provider',
    {
      schema: {
        operationId: 'receiveProviderWebhook',
        tags: ['payments'],
        summary: 'Provider webhook (Stripe events, signed; called by the provider, not by clients)',
        security: [],
        headers: {
          type: 'object',
          properties: { [SIGNATURE_HEADER]: { type: 'string' } },
          required: [SIGNATURE_HEADER],
        },
        body: {
          type: 'string',
          description: 'The Stripe event as JSON, exactly as signed',
          examples: [
            '{"id":"evt_123","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_123","object":"payment_intent","status":"succeeded","metadata":{"payment_id":"…"}}}}',
          ],
        },
        response: { 200: WebhookAck },
      },
    },
    async (request) => {
      const check = verifyWebhook({
        sdk: options.sdk,
        header: request.headers[SIGNATURE_HEADER] as string | undefined,
        rawBody: request.body as string,
        secret: options.secret,
        toleranceSeconds: options.toleranceSeconds,
      });
      if (!check.valid) {
        webhooksReceived.inc({ outcome: `rejected_${check.reason}` });
        throw new AppError(
          'BAD_REQUEST',
          check.reason === 'not_json'
            ? 'webhook body is not a JSON event'
            : `webhook signature ${check.reason}`,
        );
      }
      const event = check.event;
      // Signed by the provider, yet not an event (a test delivery of the wrong kind, a bug on
      // its side): refused, never a 500.
      if (!isEvent(event)) {
        webhooksReceived.inc({ outcome: 'rejected_not_an_event' });
        throw new AppError('BAD_REQUEST', 'webhook body is not a Stripe event');
      }
      const object = event.data.object as { object?: string };
      let outcome: 'already_applied' | 'duplicate' | 'unknown_charge' | 'applied' | 'ignored';
      if (event.type.startsWith('payment_intent.') && object?.object === 'payment_intent')
        outcome = await applyIntentEvent(event, chargeSnapshot(object as Stripe.PaymentIntent));
      else if (event.type === 'charge.refunded' || event.type.startsWith('refund.'))
        outcome = await refreshForRefund(intentIdOf(event.data.object));
      else outcome = 'ignored';

      webhooksReceived.inc({ outcome });
      if (outcome === 'unknown_charge')
        request.log.warn(
          { eventId: event.id, type: event.type },
          'webhook for a payment we do not know',
        );
      if (outcome === 'ignored') return { received: true, ignored: true };
      return outcome === 'duplicate' || outcome === 'already_applied'
        ? { received: true, duplicate: true }
        : { received: true };
    },
  );
}

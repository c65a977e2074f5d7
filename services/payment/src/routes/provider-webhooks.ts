import type { FastifyInstance } from 'fastify';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AppError } from '@switchyard/service-kit';
import { applyProviderCharge } from '../payments/apply-provider-charge.js';
import { chargeAlreadyApplied } from '../payments/charge-already-applied.js';
import { webhooksReceived } from '../payments/payment-metrics.js';
import type { ProviderEvent } from '../provider/provider-types.js';
import { checkWebhookSignature, SIGNATURE_HEADER } from '../provider/webhook-signature.js';
import { ProviderEventShape, WebhookAck } from '../schemas/webhook.js';

const eventShape = TypeCompiler.Compile(ProviderEventShape);

/**
 * POST /v1/payments/webhooks/provider — the provider's asynchronous answers. Public (no access
 * token): the HMAC signature over timestamp and raw body is the authentication. An event that
 * reports what the payment already holds is acknowledged after one read (chargeAlreadyApplied);
 * any other is applied once (its id is recorded in the same transaction) under the payment's
 * lock.
 */
export async function providerWebhookRoutes(
  app: FastifyInstance,
  options: {
    secret: string;
    toleranceSeconds: number;
    onApplied: (refunds: string[]) => Promise<void>;
  },
): Promise<void> {
  // The signature covers the exact bytes sent: keep the body as a string, parse it ourselves.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  app.post(
    '/v1/payments/webhooks/provider',
    {
      schema: {
        operationId: 'receiveProviderWebhook',
        tags: ['payments'],
        summary: 'Provider webhook (signed; called by the payment provider, not by clients)',
        security: [],
        headers: {
          type: 'object',
          properties: { [SIGNATURE_HEADER]: { type: 'string' } },
          required: [SIGNATURE_HEADER],
        },
        body: {
          type: 'string',
          description: 'The provider event as JSON, exactly as signed',
          examples: [
            '{"id":"evt_123","type":"charge.succeeded","data":{"object":{"id":"ch_123","status":"succeeded","metadata":{"orderId":"…"},"refunds":[]}}}',
          ],
        },
        response: { 200: WebhookAck },
      },
    },
    async (request) => {
      const rawBody = request.body as string;
      const check = checkWebhookSignature({
        header: request.headers[SIGNATURE_HEADER] as string | undefined,
        rawBody,
        secret: options.secret,
        toleranceSeconds: options.toleranceSeconds,
      });
      if (!check.valid) {
        webhooksReceived.inc({ outcome: `rejected_${check.reason}` });
        throw new AppError('BAD_REQUEST', `webhook signature ${check.reason}`);
      }
      let event: unknown;
      try {
        event = JSON.parse(rawBody);
      } catch {
        throw new AppError('BAD_REQUEST', 'webhook body is not JSON');
      }
      if (!eventShape.Check(event))
        throw new AppError('BAD_REQUEST', 'webhook body is not a charge event');
      const { id, type, data } = event as ProviderEvent;

      // The common case: the consumer applied the provider's immediate answer already, and this
      // webhook reports the same. Acknowledged after one read, with nothing written.
      if (await chargeAlreadyApplied(app.db, data.object)) {
        webhooksReceived.inc({ outcome: 'already_applied' });
        return { received: true, duplicate: true };
      }
      const outcome = await app.db.$transaction(async (tx) => {
        // A concurrent delivery of the same event waits here on the key, then skips.
        const first = await tx.providerWebhookEvent.createMany({
          data: [{ id, type, chargeId: data.object.id }],
          skipDuplicates: true,
        });
        if (first.count === 0) return { kind: 'duplicate' as const };
        const payment = await tx.payment.findFirst({
          where: {
            OR: [
              { providerChargeId: data.object.id },
              ...(/^[0-9a-f-]{36}$/.test(data.object.metadata.payment_id ?? '')
                ? [{ id: data.object.metadata.payment_id }]
                : []),
            ],
          },
        });
        if (!payment) return { kind: 'unknown_charge' as const };
        return {
          kind: 'applied' as const,
          ...(await applyProviderCharge(tx, payment.id, data.object)),
        };
      });
      webhooksReceived.inc({ outcome: outcome.kind });
      if (outcome.kind === 'unknown_charge')
        request.log.warn(
          { eventId: id, chargeId: data.object.id },
          'webhook for a charge we do not know',
        );
      if (outcome.kind === 'applied') await options.onApplied(outcome.refundsToExecute);
      return outcome.kind === 'duplicate'
        ? { received: true, duplicate: true }
        : { received: true };
    },
  );
}

import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, createApp, notFound, type App } from '@switchyard/service-kit';
import {
  ChargeLedger,
  IdempotencyRecords,
  RefundNotAllowed,
  type Charge,
  type JournalRecord,
} from './charges.js';
import { Journal } from './journal.js';
import type { SandboxConfig } from './config.js';
import {
  ChargeParams,
  CreateCharge,
  CreateRefund,
  IdempotencyHeaders,
  ListQuery,
  SettleBody,
} from './schemas.js';
import { testMethods, unknownMethod, type TestMethod } from './test-methods.js';
import { chargeEvent, WebhookSender } from './webhooks.js';

const fingerprint = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');

declare module 'fastify' {
  interface FastifyInstance {
    sandbox: { ledger: ChargeLedger; webhooks: WebhookSender; redirectTargetHits: () => number };
  }
}

/**
 * The payment-provider sandbox: a merchant API (charges, refunds, list) behind a secret key,
 * idempotent on `Idempotency-Key`, answering asynchronously with signed webhooks, and test
 * payment methods that misbehave the ways real providers do (see test-methods.ts).
 */
export async function buildSandbox(config: SandboxConfig): Promise<App> {
  const app = (await createApp({
    service: 'payment-sandbox',
    logLevel: config.LOG_LEVEL,
    serveOpenApi: true,
  })) as unknown as App;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const journal = new Journal<JournalRecord>(config.SANDBOX_DATA_FILE);
  const ledger = new ChargeLedger(journal);
  const idempotency = new IdempotencyRecords(journal);
  for (const record of journal.replay()) {
    if (record.kind === 'charge') ledger.restore(record.charge);
    else idempotency.restore(record.key, record.fingerprint, record.answer);
  }
  const webhooks = new WebhookSender({
    url: config.SANDBOX_WEBHOOK_URL,
    secret: config.SANDBOX_WEBHOOK_SECRET,
    retryMs: config.SANDBOX_WEBHOOK_RETRY_MS,
    maxAttempts: config.SANDBOX_WEBHOOK_MAX_ATTEMPTS,
    log: app.log,
  });
  const closing = new AbortController();
  let redirectTargetHits = 0;
  app.decorate('sandbox', { ledger, webhooks, redirectTargetHits: () => redirectTargetHits });
  app.addHook('onClose', async () => {
    closing.abort();
    await webhooks.close();
    journal.close();
  });

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/')) return;
    if (request.headers.authorization !== `Bearer ${config.SANDBOX_API_KEY}`)
      throw new AppError('UNAUTHENTICATED', 'a valid secret key is required');
  });

  const methodOf = (charge: Charge): TestMethod =>
    testMethods[charge.payment_method] ?? unknownMethod;

  /** Settle a charge and tell the merchant, the way its test method says. */
  const settle = (charge: Charge, outcome: TestMethod['outcome']) => {
    if (!ledger.settle(charge, outcome)) return;
    const method = methodOf(charge);
    const settled = chargeEvent(
      charge.status === 'succeeded' ? 'charge.succeeded' : 'charge.failed',
      charge,
    );
    if (method.refundAndReorderWebhooks && charge.status === 'succeeded') {
      ledger.refund(charge, Math.floor(charge.amount / 2), { reason: 'sandbox_out_of_order' });
      webhooks.send(charge.id, [chargeEvent('charge.refunded', charge), settled]);
      return;
    }
    webhooks.send(charge.id, [settled], method.duplicateWebhooks ? 2 : 1);
  };

  // The ledger outlives a crash, and so does the promise to settle: a charge still pending
  // from before a restart settles when its delay is over (at once if it already is).
  for (const charge of ledger.pending()) {
    const method = methodOf(charge);
    if (method.settles !== 'after_delay' && !method.refundAndReorderWebhooks) continue;
    const delayMs = method.settles === 'after_delay' ? config.SANDBOX_DELAY_MS : 0;
    const dueInMs = charge.created * 1000 + delayMs - Date.now();
    setTimeout(() => settle(charge, method.outcome), Math.max(0, dueInMs)).unref();
  }

  api.post(
    '/v1/charges',
    {
      schema: {
        tags: ['charges'],
        headers: IdempotencyHeaders,
        body: CreateCharge,
      },
    },
    async (request, reply) => {
      // When this request arrived (its onRequest), before any delay below.
      const requestedMs = Math.floor(Date.now() - reply.elapsedTime);
      const key = `charge:${request.headers['idempotency-key']}`;
      const method = testMethods[request.body.payment_method] ?? unknownMethod;
      const attempt = idempotency.attempt(key);
      if (method.redirect) return reply.redirect('/test_helpers/redirect_target', 307);
      if (method.hangFirstAttempt && attempt === 1) {
        await sleep(config.SANDBOX_HANG_MS, undefined, { signal: closing.signal }).catch(() => {});
      }
      if (method.slow) {
        await sleep(config.SANDBOX_SLOW_MS, undefined, { signal: closing.signal }).catch(() => {});
      }
      if (attempt <= (method.throttleFirstAttempts ?? 0)) {
        reply.header('retry-after', '1');
        throw new AppError('RATE_LIMITED', 'too many requests; retry after a second');
      }
      if (attempt <= (method.failFirstAttempts ?? 0))
        throw new AppError('UNAVAILABLE', 'the card network did not answer; retry');

      const print = fingerprint(request.body);
      const earlier = idempotency.replay(key, print);
      if (earlier) return earlier.answer;
      const charge = ledger.create({
        amount: request.body.amount,
        currency: request.body.currency,
        paymentMethod: request.body.payment_method,
        metadata: request.body.metadata ?? {},
        requestedMs,
      });
      if (method.settles === 'after_delay') {
        setTimeout(() => settle(charge, method.outcome), config.SANDBOX_DELAY_MS).unref();
      } else if (method.refundAndReorderWebhooks) {
        setImmediate(() => settle(charge, method.outcome));
      } else if (method.settles !== 'manually') {
        settle(charge, method.outcome);
      }
      const answer = structuredClone(charge);
      idempotency.remember(key, print, answer);
      return answer;
    },
  );

  api.get(
    '/v1/charges',
    { schema: { tags: ['charges'], querystring: ListQuery } },
    async (request) => {
      const { data, hasMore } = ledger.list({
        limit: request.query.limit,
        startingAfter: request.query.starting_after,
        createdGte: request.query.created_gte,
      });
      return { object: 'list', data, has_more: hasMore };
    },
  );

  api.get(
    '/v1/charges/:id',
    { schema: { tags: ['charges'], params: ChargeParams } },
    async (request) => {
      const charge = ledger.get(request.params.id);
      if (!charge) throw notFound('charge');
      return charge;
    },
  );

  api.post(
    '/v1/charges/:id/refunds',
    {
      schema: {
        tags: ['refunds'],
        params: ChargeParams,
        headers: IdempotencyHeaders,
        body: CreateRefund,
      },
    },
    async (request, reply) => {
      const key = `refund:${request.headers['idempotency-key']}`;
      const print = fingerprint({ charge: request.params.id, ...request.body });
      const attempt = idempotency.attempt(key);
      const earlier = idempotency.replay(key, print);
      if (earlier) return earlier.answer;
      const charge = ledger.get(request.params.id);
      if (!charge) throw notFound('charge');
      if (methodOf(charge).throttleRefunds && attempt <= 2) {
        reply.header('retry-after', '1');
        throw new AppError('RATE_LIMITED', 'too many requests; retry after a second');
      }
      try {
        const refund = ledger.refund(
          charge,
          request.body.amount ?? charge.amount - charge.amount_refunded,
          request.body.metadata ?? {},
        );
        idempotency.remember(key, print, refund);
        // A test helper: pretend this refund's webhook got lost (reconciliation must find it).
        if (request.headers['sandbox-suppress-webhooks'] !== 'true')
          webhooks.send(charge.id, [chargeEvent('charge.refunded', charge)]);
        return refund;
      } catch (error) {
        if (error instanceof RefundNotAllowed)
          throw new AppError(
            error.kind === 'not_captured' ? 'CONFLICT' : 'UNPROCESSABLE',
            error.message,
          );
        throw error;
      }
    },
  );

  api.post(
    '/v1/test_helpers/charges/:id/settle',
    { schema: { tags: ['test helpers'], params: ChargeParams, body: SettleBody } },
    async (request) => {
      const charge = ledger.get(request.params.id);
      if (!charge) throw notFound('charge');
      if (charge.status !== 'pending') throw new AppError('CONFLICT', `charge is ${charge.status}`);
      settle(
        charge,
        request.body.outcome === 'succeeded' ? 'succeeded' : { failed: 'card_declined' },
      );
      return charge;
    },
  );

  api.get('/v1/test_helpers/webhook_deliveries', async () => ({ data: webhooks.deliveries }));

  // Where pm_card_redirect points: a client that follows redirects would land here.
  api.all('/test_helpers/redirect_target', async () => {
    redirectTargetHits++;
    return { followed: true };
  });
  api.get('/v1/test_helpers/redirect_target_hits', async () => ({
    hits: redirectTargetHits,
  }));

  return app;
}

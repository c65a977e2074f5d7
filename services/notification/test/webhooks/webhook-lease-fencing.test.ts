import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SecretBox } from '@switchyard/service-kit';
import { prepareTestDatabase, queryDb, waitFor } from '@switchyard/testing';
import { createDb, type Db } from '../../src/db.js';
import { newSigningSecret } from '../../src/webhooks/signing-secret.js';
import { targetPolicy } from '../../src/webhooks/ssrf-guard.js';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher.js';
import { recordingLogger, serviceDir, TEST_WEBHOOK_SECRETS_KEY } from '../support.js';

/**
 * Two replicas' webhook dispatchers on one real database. Replica A claims a delivery and its
 * request outlives the lease (an endpoint that does not answer the first request; the lease
 * is expired in the database, as a long pause would); replica B claims it again and delivers
 * it. When A's attempt finally ends, its outcome must not be applied: B's claim owns it now.
 */
describe('webhook outcomes fenced by the claim', () => {
  let databaseUrl: string;
  let db: Db;
  let server: Server;
  let base: string;
  const requests: ServerResponse[] = [];
  const { logger, lines: logLines } = recordingLogger();

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase(
      'notification',
      path.join(serviceDir, 'prisma/migrations'),
    );
    db = createDb(databaseUrl);
    // The first request is left unanswered (until the caller gives up); later ones get 204.
    server = createServer((req, res) => {
      requests.push(res);
      req.resume();
      if (requests.length > 1) res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.$disconnect();
  });

  const secrets = new SecretBox(TEST_WEBHOOK_SECRETS_KEY, 'WEBHOOK_SECRETS_KEY');
  const dispatcher = () =>
    new WebhookDispatcher({
      db,
      secrets,
      policy: targetPolicy('127.0.0.1/32'),
      logger,
      timeoutMs: 1_500,
      maxAttempts: 5,
      retryBaseMs: 60_000,
      disableAfterSeconds: 3_600,
      onOwnerNotified: () => {},
    });

  const deliveryState = async (id: string) =>
    (
      await queryDb<{ status: string; attempts: number; delivered_at: Date | null }>(
        databaseUrl,
        'SELECT status, attempts, delivered_at FROM webhook_deliveries WHERE id = $1',
        [id],
      )
    )[0]!;

  it('keeps the delivery succeeded when the replica whose lease expired fails afterwards', async () => {
    const endpointId = randomUUID();
    const deliveryId = randomUUID();
    await db.webhookEndpoint.create({
      data: {
        id: endpointId,
        ownerKind: 'user',
        ownerId: randomUUID(),
        url: `${base}/hook`,
        eventTypes: ['order.paid'],
        secretCiphertext: secrets.seal(newSigningSecret()),
      },
    });
    await db.webhookDelivery.create({
      data: {
        id: deliveryId,
        endpointId,
        eventId: randomUUID(),
        eventType: 'order.paid',
        payload: '{"type":"order.paid"}',
      },
    });

    const a = dispatcher();
    const b = dispatcher();
    try {
      const replicaA = a.runOnce();
      await waitFor(async () => requests.length === 1, { what: 'replica A’s request' });
      // A's lease runs out while its request is still open; B claims and delivers.
      await db.$executeRaw`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE id = ${deliveryId}::uuid`;
      expect(await b.runOnce()).toBe(1);
      expect(await deliveryState(deliveryId)).toMatchObject({ status: 'succeeded', attempts: 1 });

      // A's request times out and A reports its attempt.
      expect(await replicaA).toBe(1);
      const state = await deliveryState(deliveryId);
      expect(state).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(state.delivered_at).not.toBeNull();
      const attempts = await queryDb<{ status_code: number | null }>(
        databaseUrl,
        'SELECT status_code FROM webhook_attempts WHERE delivery_id = $1',
        [deliveryId],
      );
      expect(attempts.map((r) => r.status_code)).toEqual([204]);
      const [endpoint] = await queryDb<{ failing_since: Date | null }>(
        databaseUrl,
        'SELECT failing_since FROM webhook_endpoints WHERE id = $1',
        [endpointId],
      );
      expect(endpoint!.failing_since).toBeNull();
      const lost = logLines.filter((l) => l.deliveryId === deliveryId && l.leaseLost);
      expect(lost).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

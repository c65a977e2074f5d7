// Rotating the keys notification seals with (WEBHOOK_SECRETS_KEY, RESET_TOKEN_SEALING_KEY)
// without losing what is sealed: real rows sealed under the old key, some in the format from
// before key ids, read by replicas that list the new key first; then resealed, then the old
// key dropped.
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { SecretBox, type App } from '@switchyard/service-kit';
import {
  publishEvent,
  queryDb,
  startSmtpCapture,
  startWebhookReceiver,
  waitFor,
  type SmtpCapture,
} from '@switchyard/testing';
import { createDb } from '../../src/db.js';
import { resealWebhookSecrets } from '../../src/webhooks/reseal-webhook-secrets.js';
import {
  closeAfterTests,
  startNotificationService,
  startReplica,
  TEST_RESET_TOKEN_SEALING_KEY,
  TEST_WEBHOOK_SECRETS_KEY,
} from '../support.js';

const OLD_WEBHOOK_KEY = TEST_WEBHOOK_SECRETS_KEY;
const NEW_WEBHOOK_KEY = randomBytes(32).toString('base64');
const NEW_RESET_KEY = randomBytes(32).toString('base64');

/** Sealed as SecretBox sealed before key ids (`iv.tag.ciphertext`): what databases hold today. */
function sealedWithoutKeyId(keyBase64: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyBase64, 'base64'), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

describe('rotating notification’s sealing keys', () => {
  let smtp: SmtpCapture;
  let service: Awaited<ReturnType<typeof startNotificationService>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const replicas: App[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    receiver = await startWebhookReceiver({ failFirst: 0 });
    service = await startNotificationService(smtp.smtpUrl, {
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
      WEBHOOK_SECRETS_KEY: OLD_WEBHOOK_KEY,
    });
  });
  afterAll(() =>
    closeAfterTests(
      smtp,
      async () => {
        for (const app of replicas) await app.close();
      },
      () => service?.app.close().catch(() => {}),
      () => service?.ctx.teardown(),
      () => receiver?.close(),
    ),
  );

  /** This deployment again, with other keys (the same database, broker and channel). */
  async function redeploy(env: Record<string, string>) {
    await Promise.all([service.app.close(), ...replicas.splice(0).map((app) => app.close())]);
    const app = await startReplica({
      ...service.ctx.env,
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
      ...env,
    });
    replicas.push(app);
    return app;
  }

  const userId = randomUUID();
  const register = async (app: App, path: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/endpoints',
      headers: { authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}` },
      payload: { url: `${receiver.base}${path}`, eventTypes: ['order.paid'] },
    });
    expect(res.statusCode).toBe(201);
    receiver.setSecret(path, res.json().secret);
    return res.json() as { id: string; secret: string };
  };
  const sealedRows = () =>
    queryDb<{ id: string; secret_ciphertext: string }>(
      service.ctx.databaseUrl,
      'SELECT id, secret_ciphertext FROM webhook_endpoints ORDER BY created_at',
    );
  /** One order.paid; each path must receive it signed with the secret it was given. */
  async function deliveredTo(paths: string[]) {
    const orderId = randomUUID();
    const event = createEvent('order.paid', {
      source: 'order',
      subject: orderId,
      data: { orderId, userId, paymentId: randomUUID(), total: { amount: 990, currency: 'EUR' } },
    });
    await publishEvent(service.ctx.namespace, event);
    return waitFor(
      async () => {
        const got = paths.map(
          (path) =>
            receiver.received.find((r) => r.path === path && r.eventId === event.id)?.answered,
        );
        return got.every((answer) => answer !== undefined) && got;
      },
      { what: `deliveries of ${event.id} to ${paths.join(', ')}` },
    );
  }

  it('keeps webhook secrets sealed under the old key working through a rotation, then drops the key', async () => {
    // Before the rotation: one endpoint sealed by today's code, one in the format without key id.
    await register(service.app, '/sealed-with-id');
    const legacy = await register(service.app, '/sealed-without-id');
    await queryDb(
      service.ctx.databaseUrl,
      'UPDATE webhook_endpoints SET secret_ciphertext = $2 WHERE id = $1',
      [legacy.id, sealedWithoutKeyId(OLD_WEBHOOK_KEY, legacy.secret)],
    );

    // Step 2 of a rotation: the new key first (it seals), the old one still listed (it opens).
    const rotated = await redeploy({
      WEBHOOK_SECRETS_KEY: `${NEW_WEBHOOK_KEY},${OLD_WEBHOOK_KEY}`,
    });
    await register(rotated, '/sealed-after-rotation');
    expect(
      await deliveredTo(['/sealed-with-id', '/sealed-without-id', '/sealed-after-rotation']),
    ).toEqual([200, 200, 200]);
    const newId = new SecretBox(NEW_WEBHOOK_KEY).currentKeyId;
    const oldId = new SecretBox(OLD_WEBHOOK_KEY).currentKeyId;
    expect((await sealedRows()).map((r) => r.secret_ciphertext.split('.')[0])).toEqual([
      oldId,
      expect.not.stringMatching(/^[0-9a-f]{16}$/), // no key id: an IV
      newId,
    ]);

    // Step 3: reseal what the old key sealed, then drop it.
    const db = createDb(service.ctx.databaseUrl);
    try {
      const result = await resealWebhookSecrets(
        db,
        new SecretBox(`${NEW_WEBHOOK_KEY},${OLD_WEBHOOK_KEY}`),
      );
      expect(result).toEqual({ endpoints: 3, resealed: 2 });
    } finally {
      await db.$disconnect();
    }
    expect((await sealedRows()).every((r) => r.secret_ciphertext.startsWith(`${newId}.`))).toBe(
      true,
    );
    await redeploy({ WEBHOOK_SECRETS_KEY: NEW_WEBHOOK_KEY });
    expect(
      await deliveredTo(['/sealed-with-id', '/sealed-without-id', '/sealed-after-rotation']),
    ).toEqual([200, 200, 200]);
  });

  it('opens a reset token sealed by auth under the old key, with or without key id, once the new key leads', async () => {
    await redeploy({
      WEBHOOK_SECRETS_KEY: NEW_WEBHOOK_KEY,
      RESET_TOKEN_SEALING_KEY: `${NEW_RESET_KEY},${TEST_RESET_TOKEN_SEALING_KEY}`,
    });
    const sealings = {
      'with-id': (token: string) => new SecretBox(TEST_RESET_TOKEN_SEALING_KEY).seal(token),
      'without-id': (token: string) => sealedWithoutKeyId(TEST_RESET_TOKEN_SEALING_KEY, token),
      'new-key': (token: string) => new SecretBox(NEW_RESET_KEY).seal(token),
    };
    for (const [name, seal] of Object.entries(sealings)) {
      const resetUser = randomUUID();
      const email = `reset-${name}-${resetUser}@example.com`;
      const token = `tok_${randomUUID()}${randomUUID()}`;
      await publishEvent(
        service.ctx.namespace,
        createEvent('user.password_reset_requested', {
          source: 'auth',
          subject: resetUser,
          data: {
            userId: resetUser,
            email,
            name: 'Rosa',
            sealedResetToken: seal(token),
            expiresAt: new Date(Date.now() + 1_800_000).toISOString(),
          },
        }),
      );
      const [mail] = await waitFor(
        async () => {
          const mails = await smtp.emailsTo(email);
          return mails.length > 0 && mails;
        },
        { what: `the reset email (${name})` },
      );
      expect(mail!.text).toContain(token);
    }
  });

  it('refuses to start when webhook secrets and reset tokens would be sealed with one key', async () => {
    await expect(
      startReplica({ ...service.ctx.env, WEBHOOK_SECRETS_KEY: TEST_RESET_TOKEN_SEALING_KEY }),
    ).rejects.toThrow(
      'RESET_TOKEN_SEALING_KEY and WEBHOOK_SECRETS_KEY share a key: each secret needs keys of its own',
    );
  });
});

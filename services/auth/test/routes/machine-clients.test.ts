// Machine clients over their admin routes, on a real database and Redis: revocation (refused
// at once, as a disabled user is), secret rotation with an overlap, and the paged list.
import { Redis } from 'ioredis';
import { disabledUserKey } from '@switchyard/service-kit';
import { queryDb, waitFor } from '@switchyard/testing';
import { createDb } from '../../src/db.js';
import { revokeClient } from '../../src/oauth/revoke-client.js';
import { startAuthService } from '../support.js';
import { signUp } from '../support-users.js';

describe('machine clients (admin)', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let redis: Redis;
  let admin: Awaited<ReturnType<typeof signUp>>;
  beforeAll(async () => {
    service = await startAuthService({
      MACHINE_CLIENT_SECRET_OVERLAP_SECONDS: '3600',
      DENYLIST_SYNC_INTERVAL_MS: '200',
    });
    redis = new Redis('redis://127.0.0.1:6379');
    admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
  });
  afterAll(async () => {
    await redis.quit();
    await service.close();
  });

  const asAdmin = (method: 'GET' | 'POST', url: string, payload?: object) =>
    service.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${admin.accessToken}` },
      ...(payload ? { payload } : {}),
    });

  async function newClient(name = 'warehouse') {
    const res = await asAdmin('POST', '/v1/auth/admin/clients', { name, scopes: ['orders:read'] });
    expect(res.statusCode).toBe(201);
    return res.json() as { clientId: string; clientSecret: string };
  }

  const tokenFor = (clientId: string, clientSecret: string) =>
    service.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      payload: 'grant_type=client_credentials',
    });

  // A route every valid token reaches the identity checks of (a machine is then refused for
  // being no person: 403; a revoked one is refused before that, as an invalid token: 401).
  const me = (accessToken: string) =>
    service.app.inject({ url: '/v1/auth/me', headers: { authorization: `Bearer ${accessToken}` } });

  describe('POST /v1/auth/admin/clients/{clientId}/revoke', () => {
    it('refuses the client’s live tokens at once and gives it no new ones', async () => {
      const client = await newClient();
      const granted = await tokenFor(client.clientId, client.clientSecret);
      expect(granted.statusCode).toBe(200);
      const accessToken = granted.json().access_token as string;
      expect((await me(accessToken)).statusCode).toBe(403);

      const res = await asAdmin('POST', `/v1/auth/admin/clients/${client.clientId}/revoke`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        clientId: client.clientId,
        disabled: true,
        revokedAt: expect.any(String),
      });
      expect(res.body).not.toContain(client.clientSecret);

      // The same denylist as a disabled user's: the gateway and every service read it.
      const ttl = await redis.ttl(disabledUserKey(client.clientId));
      expect(ttl).toBeGreaterThan(900);
      expect(ttl).toBeLessThanOrEqual(900 + 60);
      expect((await me(accessToken)).statusCode).toBe(401);
      expect((await tokenFor(client.clientId, client.clientSecret)).json()).toMatchObject({
        error: 'invalid_client',
      });
      const [row] = await queryDb(
        service.ctx.databaseUrl,
        'SELECT disabled, revoked_at, revoked_by FROM oauth_clients WHERE client_id = $1',
        [client.clientId],
      );
      expect(row).toMatchObject({ disabled: true, revoked_by: `user:${admin.id}` });
      expect(row!.revoked_at).toBeInstanceOf(Date);
    });

    it('writes a lost denylist entry again from the table, as for users', async () => {
      const client = await newClient();
      const accessToken = (await tokenFor(client.clientId, client.clientSecret)).json()
        .access_token as string;
      expect(
        (await asAdmin('POST', `/v1/auth/admin/clients/${client.clientId}/revoke`)).statusCode,
      ).toBe(200);
      // What a Redis restart without persistence does to the entry.
      await redis.del(disabledUserKey(client.clientId));
      await waitFor(async () => (await redis.exists(disabledUserKey(client.clientId))) === 1, {
        timeoutMs: 5_000,
        intervalMs: 50,
        what: 'the revoked client’s denylist entry written again',
      });
      expect((await me(accessToken)).statusCode).toBe(401);
    });

    it('still revokes while Redis is away, reports it, and the sync writes the entry later', async () => {
      const client = await newClient();
      const unreachable = new Redis('redis://127.0.0.1:1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      unreachable.on('error', () => {});
      const db = createDb(service.ctx.databaseUrl);
      try {
        const revoked = await revokeClient(db, unreachable, {
          clientId: client.clientId,
          by: { actor: { type: 'system', id: 'cli:test' } },
          accessTokenTtlSeconds: 900,
        });
        expect(revoked!.denylistError).toBeInstanceOf(Error);
        expect(revoked!.newlyRevoked).toBe(true);
      } finally {
        unreachable.disconnect();
        await db.$disconnect();
      }
      expect((await tokenFor(client.clientId, client.clientSecret)).statusCode).toBe(401);
      await waitFor(async () => (await redis.exists(disabledUserKey(client.clientId))) === 1, {
        timeoutMs: 5_000,
        intervalMs: 50,
        what: 'the denylist entry written by the sync',
      });
    });

    it('is idempotent, keeps the first revocation time, and answers 404 for an unknown client', async () => {
      const client = await newClient();
      const first = await asAdmin('POST', `/v1/auth/admin/clients/${client.clientId}/revoke`);
      const again = await asAdmin('POST', `/v1/auth/admin/clients/${client.clientId}/revoke`);
      expect(again.statusCode).toBe(200);
      expect(again.json().revokedAt).toBe(first.json().revokedAt);
      const unknown = await asAdmin(
        'POST',
        '/v1/auth/admin/clients/cli_000000000000000000000000/revoke',
      );
      expect(unknown.statusCode).toBe(404);
      expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    });

    it('is for admins only', async () => {
      const client = await newClient();
      const customer = await signUp(service.app, service.ctx.databaseUrl);
      const res = await service.app.inject({
        method: 'POST',
        url: `/v1/auth/admin/clients/${client.clientId}/revoke`,
        headers: { authorization: `Bearer ${customer.accessToken}` },
      });
      expect(res.statusCode).toBe(403);
      expect((await tokenFor(client.clientId, client.clientSecret)).statusCode).toBe(200);
    });
  });

  describe('POST /v1/auth/admin/clients/{clientId}/rotate-secret', () => {
    it('issues a new secret; the old one keeps working for the configured overlap, then not', async () => {
      const client = await newClient();
      const before = Date.now();
      const res = await asAdmin('POST', `/v1/auth/admin/clients/${client.clientId}/rotate-secret`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const rotated = res.json();
      expect(rotated.clientSecret).toMatch(/^sec_/);
      expect(rotated.clientSecret).not.toBe(client.clientSecret);
      const expires = Date.parse(rotated.previousSecretExpiresAt);
      expect(expires).toBeGreaterThanOrEqual(before + 3600_000 - 1_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000 + 1_000);

      expect((await tokenFor(client.clientId, rotated.clientSecret)).statusCode).toBe(200);
      expect((await tokenFor(client.clientId, client.clientSecret)).statusCode).toBe(200);
      // The overlap runs out (moved into the past, as time would).
      await queryDb(
        service.ctx.databaseUrl,
        `UPDATE oauth_clients SET previous_secret_expires_at = now() - interval '1 second'
          WHERE client_id = $1`,
        [client.clientId],
      );
      expect((await tokenFor(client.clientId, client.clientSecret)).json()).toMatchObject({
        error: 'invalid_client',
      });
      expect((await tokenFor(client.clientId, rotated.clientSecret)).statusCode).toBe(200);
      // Nothing of either secret is stored in plain text.
      const [row] = await queryDb(
        service.ctx.databaseUrl,
        'SELECT * FROM oauth_clients WHERE client_id = $1',
        [client.clientId],
      );
      expect(JSON.stringify(row)).not.toContain(rotated.clientSecret.slice(4));
      expect(JSON.stringify(row)).not.toContain(client.clientSecret.slice(4));
    });

    it('ends the old secret at once with overlapSeconds 0 (a leaked secret)', async () => {
      const client = await newClient();
      const res = await asAdmin('POST', `/v1/auth/admin/clients/${client.clientId}/rotate-secret`, {
        overlapSeconds: 0,
      });
      expect(res.statusCode).toBe(200);
      expect((await tokenFor(client.clientId, client.clientSecret)).statusCode).toBe(401);
      expect((await tokenFor(client.clientId, res.json().clientSecret)).statusCode).toBe(200);
    });

    it('keeps only the secret it replaced: a second rotation ends the first secret', async () => {
      const client = await newClient();
      const second = (
        await asAdmin('POST', `/v1/auth/admin/clients/${client.clientId}/rotate-secret`)
      ).json().clientSecret as string;
      const third = (
        await asAdmin('POST', `/v1/auth/admin/clients/${client.clientId}/rotate-secret`)
      ).json().clientSecret as string;
      expect((await tokenFor(client.clientId, client.clientSecret)).statusCode).toBe(401);
      expect((await tokenFor(client.clientId, second)).statusCode).toBe(200);
      expect((await tokenFor(client.clientId, third)).statusCode).toBe(200);
    });

    it('refuses a revoked client (409), an unknown one (404) and a bad overlap (400)', async () => {
      const client = await newClient();
      await asAdmin('POST', `/v1/auth/admin/clients/${client.clientId}/revoke`);
      const revoked = await asAdmin(
        'POST',
        `/v1/auth/admin/clients/${client.clientId}/rotate-secret`,
      );
      expect(revoked.statusCode).toBe(409);
      expect(
        (await asAdmin('POST', '/v1/auth/admin/clients/cli_nope/rotate-secret')).statusCode,
      ).toBe(404);
      const other = await newClient();
      for (const overlapSeconds of [-1, 8 * 24 * 3600, 1.5, '60']) {
        const bad = await asAdmin(
          'POST',
          `/v1/auth/admin/clients/${other.clientId}/rotate-secret`,
          { overlapSeconds },
        );
        expect(bad.statusCode).toBe(400);
      }
      expect((await tokenFor(other.clientId, other.clientSecret)).statusCode).toBe(200);
    });
  });

  describe('GET /v1/auth/admin/clients', () => {
    it('pages as every list does: {items, nextCursor}, limit 1–100, opaque cursors', async () => {
      await queryDb(service.ctx.databaseUrl, 'DELETE FROM oauth_clients');
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await newClient(`paged-${i}`)).clientId);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await asAdmin('GET', `/v1/auth/admin/clients?${query}`);
        expect(page.statusCode).toBe(200);
        const body = page.json() as { items: { clientId: string }[]; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(2);
        seen.push(...body.items.map((c) => c.clientId));
        cursor = body.nextCursor;
      } while (cursor);
      // Each once, none lost between pages (two made in one millisecond may swap places).
      expect(seen).toHaveLength(created.length);
      expect([...seen].sort()).toEqual([...created].sort());

      const first = (await asAdmin('GET', '/v1/auth/admin/clients')).json();
      expect(first.items).toHaveLength(5);
      expect(first.nextCursor).toBeNull();
      for (const bad of ['limit=0', 'limit=101', 'limit=abc', 'cursor=garbage', 'sort=name']) {
        const res = await asAdmin('GET', `/v1/auth/admin/clients?${bad}`);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });
  });
});

// Every security-relevant action of the auth service leaves one entry in its audit trail,
// written in the action's own transaction: who, what, to what, the fields that changed, and
// from where (IP, user agent, request id). Never a password, secret, token or hash.
import { Redis } from 'ioredis';
import { verifyAuditChain } from '@switchyard/audit';
import { SecretBox } from '@switchyard/service-kit';
import { queryDb } from '@switchyard/testing';
import { createDb } from '../../src/db.js';
import { rotateSigningKey } from '../../src/keys/rotate-signing-key.js';
import { revokeClient } from '../../src/oauth/revoke-client.js';
import { rotateClientSecret } from '../../src/oauth/rotate-client-secret.js';
import { grantRole } from '../../src/users/grant-role.js';
import {
  startAuthService,
  TEST_RESET_TOKEN_SEALING_KEY,
  TEST_SIGNING_KEY_SEALING_KEY,
} from '../support.js';
import { auditEntries, client } from '../support-audit.js';
import { freshEmail, password, signUp } from '../support-users.js';

describe('audit trail of the auth service', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let db: ReturnType<typeof createDb>;
  let redis: Redis;
  /** Every secret the tests handle: none may appear in the trail. */
  const secrets = new Set<string>([password]);

  beforeAll(async () => {
    service = await startAuthService();
    db = createDb(service.ctx.databaseUrl);
    redis = new Redis('redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await db.$disconnect();
    await redis.quit();
    await service.close();
  });

  let requests = 0;
  /** A request from `client`, with a request id of its own (returned). */
  async function call(
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    options: { payload?: object; token?: string } = {},
  ) {
    const requestId = `audit-test-${++requests}`;
    const res = await service.app.inject({
      method,
      url,
      remoteAddress: client.remoteAddress,
      headers: {
        'user-agent': client.userAgent,
        'x-request-id': requestId,
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      ...(options.payload ? { payload: options.payload } : {}),
    });
    const body = res.body ? res.json() : {};
    for (const key of ['accessToken', 'refreshToken', 'clientSecret'])
      if (typeof body[key] === 'string') secrets.add(body[key]);
    return Object.assign(res, { requestId });
  }
  const where = (requestId: string) => ({
    ip: client.remoteAddress,
    user_agent: client.userAgent,
    request_id: requestId,
  });
  const entries = (targetId: string) => auditEntries(service.ctx.databaseUrl, targetId);
  const newUser = async (options: { admin?: boolean } = {}) => {
    const user = await signUp(service.app, service.ctx.databaseUrl, options);
    secrets.add(user.accessToken).add(user.refreshToken);
    return user;
  };

  describe('sign-in', () => {
    it('records a registration', async () => {
      const email = freshEmail();
      const res = await call('POST', '/v1/auth/register', {
        payload: { email, password, name: 'Reg' },
      });
      expect(res.statusCode).toBe(201);
      expect(await entries(res.json().id)).toEqual([
        expect.objectContaining({
          action: 'user.registered',
          actor_type: 'user',
          actor_id: res.json().id,
          target_type: 'user',
          changes: null,
          details: { email },
          ...where(res.requestId),
        }),
      ]);
    });

    it('records a failed and a successful sign-in, with IP and user agent', async () => {
      const user = await newUser();
      const wrong = await call('POST', '/v1/auth/login', {
        payload: { email: user.email, password: 'not the password at all' },
      });
      expect(wrong.statusCode).toBe(401);
      const right = await call('POST', '/v1/auth/login', {
        payload: { email: user.email, password },
      });
      expect(right.statusCode).toBe(200);
      const recorded = (await entries(user.id)).slice(-2);
      expect(recorded).toEqual([
        expect.objectContaining({
          action: 'auth.login_failed',
          actor_type: 'anonymous',
          actor_id: null,
          target_type: 'user',
          target_id: user.id,
          details: { reason: 'wrong_password' },
          ...where(wrong.requestId),
        }),
        expect.objectContaining({
          action: 'auth.login_succeeded',
          actor_type: 'user',
          actor_id: user.id,
          target_type: 'user',
          target_id: user.id,
          ...where(right.requestId),
        }),
      ]);
      secrets.add('not the password at all');
    });

    it('records a failed sign-in to an unknown or a disabled account, with the reason', async () => {
      const email = freshEmail();
      const unknown = await call('POST', '/v1/auth/login', { payload: { email, password } });
      expect(unknown.statusCode).toBe(401);
      const [unknownEntry] = await queryDb(
        service.ctx.databaseUrl,
        `SELECT action, target_type, details FROM audit_events WHERE request_id = $1`,
        [unknown.requestId],
      );
      expect(unknownEntry).toEqual({
        action: 'auth.login_failed',
        target_type: null,
        details: { reason: 'unknown_account', email },
      });

      const user = await newUser();
      await queryDb(service.ctx.databaseUrl, 'UPDATE users SET disabled = true WHERE id = $1', [
        user.id,
      ]);
      const disabled = await call('POST', '/v1/auth/login', {
        payload: { email: user.email, password },
      });
      expect(disabled.statusCode).toBe(401);
      expect((await entries(user.id)).at(-1)).toMatchObject({
        action: 'auth.login_failed',
        details: { reason: 'account_disabled' },
      });
    });

    it('records a sign-out, once: a second sign-out with the same token ends nothing', async () => {
      const user = await newUser();
      const out = await call('POST', '/v1/auth/logout', {
        payload: { refreshToken: user.refreshToken },
      });
      expect(out.statusCode).toBe(204);
      await call('POST', '/v1/auth/logout', { payload: { refreshToken: user.refreshToken } });
      const recorded = (await entries(user.id)).filter((e) => e.action === 'auth.logged_out');
      expect(recorded).toEqual([
        expect.objectContaining({
          actor_type: 'user',
          actor_id: user.id,
          target_id: user.id,
          ...where(out.requestId),
        }),
      ]);
    });

    it('records the reuse of a used refresh token, which ended its family', async () => {
      const user = await newUser();
      const rotated = await call('POST', '/v1/auth/refresh', {
        payload: { refreshToken: user.refreshToken },
      });
      expect(rotated.statusCode).toBe(200);
      const reuse = await call('POST', '/v1/auth/refresh', {
        payload: { refreshToken: user.refreshToken },
      });
      expect(reuse.statusCode).toBe(401);
      const [family] = await queryDb<{ family_id: string }>(
        service.ctx.databaseUrl,
        'SELECT DISTINCT family_id FROM refresh_tokens WHERE user_id = $1',
        [user.id],
      );
      expect((await entries(user.id)).at(-1)).toMatchObject({
        action: 'auth.refresh_token_reuse_detected',
        actor_type: 'anonymous',
        target_id: user.id,
        details: { clientId: 'switchyard-web', familyId: family!.family_id },
        ...where(reuse.requestId),
      });
    });
  });

  describe('passwords', () => {
    it('records a password change', async () => {
      const user = await newUser();
      const newPassword = 'a changed passphrase for audit';
      secrets.add(newPassword);
      const res = await call('POST', '/v1/auth/password', {
        token: user.accessToken,
        payload: { currentPassword: password, newPassword },
      });
      expect(res.statusCode).toBe(204);
      expect((await entries(user.id)).at(-1)).toMatchObject({
        action: 'user.password_changed',
        actor_type: 'user',
        actor_id: user.id,
        changes: null,
        ...where(res.requestId),
      });
    });

    it('records a reset asked for and a reset done', async () => {
      const user = await newUser();
      const asked = await call('POST', '/v1/auth/password-reset', {
        payload: { email: user.email },
      });
      expect(asked.statusCode).toBe(202);
      const [outbox] = await queryDb<{ payload: string }>(
        service.ctx.databaseUrl,
        `SELECT payload FROM outbox_events
          WHERE event_type = 'user.password_reset_requested' AND message_key = $1`,
        [user.id],
      );
      const payload = JSON.parse(outbox!.payload);
      const sealed = (payload.data ?? payload).sealedResetToken as string;
      const token = new SecretBox(TEST_RESET_TOKEN_SEALING_KEY).open(sealed);
      const newPassword = 'a reset passphrase for audit';
      secrets.add(token).add(sealed).add(newPassword);
      const done = await call('POST', '/v1/auth/password-reset/confirm', {
        payload: { token, newPassword },
      });
      expect(done.statusCode).toBe(204);
      expect((await entries(user.id)).slice(-2)).toEqual([
        expect.objectContaining({
          action: 'user.password_reset_requested',
          actor_type: 'anonymous',
          ...where(asked.requestId),
        }),
        expect.objectContaining({
          action: 'user.password_reset',
          actor_type: 'user',
          actor_id: user.id,
          ...where(done.requestId),
        }),
      ]);
    });
  });

  describe('administration', () => {
    it('records a role grant and a revoke with the roles before and after', async () => {
      const admin = await newUser({ admin: true });
      const user = await newUser();
      const granted = await call('PATCH', `/v1/auth/admin/users/${user.id}`, {
        token: admin.accessToken,
        payload: { roles: ['customer', 'admin'] },
      });
      expect(granted.statusCode).toBe(200);
      const swapped = await call('PATCH', `/v1/auth/admin/users/${user.id}`, {
        token: admin.accessToken,
        payload: { roles: ['admin'] },
      });
      expect(swapped.statusCode).toBe(200);
      // The same roles again change nothing and record nothing.
      await call('PATCH', `/v1/auth/admin/users/${user.id}`, {
        token: admin.accessToken,
        payload: { roles: ['admin'] },
      });
      const recorded = (await entries(user.id)).filter((e) => e.action.startsWith('user.role_'));
      expect(recorded).toEqual([
        expect.objectContaining({
          action: 'user.role_granted',
          actor_type: 'admin',
          actor_id: admin.id,
          target_type: 'user',
          target_id: user.id,
          changes: { roles: { before: ['customer'], after: ['customer', 'admin'] } },
          details: { role: 'admin' },
          ...where(granted.requestId),
        }),
        expect.objectContaining({
          action: 'user.role_revoked',
          actor_id: admin.id,
          changes: { roles: { before: ['customer', 'admin'], after: ['admin'] } },
          details: { role: 'customer' },
          ...where(swapped.requestId),
        }),
      ]);
    });

    it('records a role granted from the command line, by its operator', async () => {
      const user = await newUser();
      const by = { actor: { type: 'system' as const, id: 'cli:ops-alice' } };
      expect(await grantRole(db, { email: user.email, role: 'admin', by })).toMatchObject({
        granted: true,
      });
      expect(await grantRole(db, { email: user.email, role: 'admin', by })).toMatchObject({
        granted: false,
      });
      const recorded = (await entries(user.id)).filter((e) => e.action === 'user.role_granted');
      expect(recorded).toEqual([
        expect.objectContaining({
          actor_type: 'system',
          actor_id: 'cli:ops-alice',
          changes: { roles: { before: ['customer'], after: ['customer', 'admin'] } },
        }),
      ]);
    });

    it('records disabling and enabling a user', async () => {
      const admin = await newUser({ admin: true });
      const user = await newUser();
      const off = await call('PATCH', `/v1/auth/admin/users/${user.id}`, {
        token: admin.accessToken,
        payload: { disabled: true },
      });
      const on = await call('PATCH', `/v1/auth/admin/users/${user.id}`, {
        token: admin.accessToken,
        payload: { disabled: false },
      });
      expect([off.statusCode, on.statusCode]).toEqual([200, 200]);
      expect((await entries(user.id)).slice(-2)).toEqual([
        expect.objectContaining({
          action: 'user.disabled',
          actor_type: 'admin',
          actor_id: admin.id,
          changes: { disabled: { before: false, after: true } },
          ...where(off.requestId),
        }),
        expect.objectContaining({
          action: 'user.enabled',
          changes: { disabled: { before: true, after: false } },
          ...where(on.requestId),
        }),
      ]);
    });

    it('records a machine client created, its secret rotated and revoked', async () => {
      const admin = await newUser({ admin: true });
      const created = await call('POST', '/v1/auth/admin/clients', {
        token: admin.accessToken,
        payload: { name: 'audited', scopes: ['orders:read'] },
      });
      expect(created.statusCode).toBe(201);
      const clientId = created.json().clientId as string;
      const rotated = await call('POST', `/v1/auth/admin/clients/${clientId}/rotate-secret`, {
        token: admin.accessToken,
        payload: { overlapSeconds: 60 },
      });
      expect(rotated.statusCode).toBe(200);
      const revoked = await call('POST', `/v1/auth/admin/clients/${clientId}/revoke`, {
        token: admin.accessToken,
      });
      expect(revoked.statusCode).toBe(200);
      const asAdmin = { actor_type: 'admin', actor_id: admin.id, target_type: 'machine_client' };
      expect(await entries(clientId)).toEqual([
        expect.objectContaining({
          action: 'machine_client.created',
          ...asAdmin,
          changes: {
            name: { before: null, after: 'audited' },
            scopes: { before: null, after: ['orders:read'] },
          },
          ...where(created.requestId),
        }),
        expect.objectContaining({
          action: 'machine_client.secret_rotated',
          ...asAdmin,
          details: { previousSecretExpiresAt: rotated.json().previousSecretExpiresAt },
          ...where(rotated.requestId),
        }),
        expect.objectContaining({
          action: 'machine_client.revoked',
          ...asAdmin,
          changes: { disabled: { before: false, after: true } },
          ...where(revoked.requestId),
        }),
      ]);
    });

    it('records a machine client’s token requests: issued, and refused for a wrong secret or an unknown client', async () => {
      const admin = await newUser({ admin: true });
      const created = await call('POST', '/v1/auth/admin/clients', {
        token: admin.accessToken,
        payload: { name: 'signing-in', scopes: ['orders:read'] },
      });
      const { clientId, clientSecret } = created.json() as {
        clientId: string;
        clientSecret: string;
      };
      const tokenRequest = async (id: string, secret: string) => {
        const requestId = `audit-test-${++requests}`;
        const res = await service.app.inject({
          method: 'POST',
          url: '/oauth/token',
          remoteAddress: client.remoteAddress,
          headers: {
            'user-agent': client.userAgent,
            'x-request-id': requestId,
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
          },
          payload: 'grant_type=client_credentials',
        });
        if (res.statusCode === 200) secrets.add(res.json().access_token);
        return Object.assign(res, { requestId });
      };
      const wrongSecret = 'sec_not-the-secret-of-this-client';
      secrets.add(wrongSecret);
      const refused = await tokenRequest(clientId, wrongSecret);
      expect(refused.statusCode).toBe(401);
      const issued = await tokenRequest(clientId, clientSecret);
      expect(issued.statusCode).toBe(200);
      expect((await entries(clientId)).slice(-2)).toEqual([
        expect.objectContaining({
          action: 'auth.client_authentication_failed',
          actor_type: 'anonymous',
          target_type: 'machine_client',
          details: { reason: 'wrong_secret' },
          ...where(refused.requestId),
        }),
        expect.objectContaining({
          action: 'auth.client_token_issued',
          actor_type: 'client',
          actor_id: clientId,
          target_type: 'machine_client',
          details: { scopes: ['orders:read'] },
          ...where(issued.requestId),
        }),
      ]);
      const unknownId = 'cli_0123456789abcdef01234567';
      const unknown = await tokenRequest(unknownId, wrongSecret);
      expect(unknown.statusCode).toBe(401);
      const [unknownEntry] = await queryDb(
        service.ctx.databaseUrl,
        'SELECT action, target_type, details FROM audit_events WHERE request_id = $1',
        [unknown.requestId],
      );
      expect(unknownEntry).toEqual({
        action: 'auth.client_authentication_failed',
        target_type: null,
        details: { reason: 'unknown_client', clientId: unknownId },
      });
    });

    it('records machine client changes made from the command line, by their operator', async () => {
      const admin = await newUser({ admin: true });
      const created = await call('POST', '/v1/auth/admin/clients', {
        token: admin.accessToken,
        payload: { name: 'cli-audited', scopes: [] },
      });
      const clientId = created.json().clientId as string;
      const by = { actor: { type: 'system' as const, id: 'cli:ops-bob' } };
      const rotated = await rotateClientSecret(db, { clientId, by, overlapSeconds: 0 });
      secrets.add(rotated!.client.clientSecret);
      await revokeClient(db, redis, { clientId, by, accessTokenTtlSeconds: 900 });
      expect((await entries(clientId)).slice(-2)).toEqual([
        expect.objectContaining({
          action: 'machine_client.secret_rotated',
          actor_type: 'system',
          actor_id: 'cli:ops-bob',
        }),
        expect.objectContaining({
          action: 'machine_client.revoked',
          actor_type: 'system',
          actor_id: 'cli:ops-bob',
        }),
      ]);
      const [row] = await queryDb<{ revoked_by: string }>(
        service.ctx.databaseUrl,
        'SELECT revoked_by FROM oauth_clients WHERE client_id = $1',
        [clientId],
      );
      expect(row!.revoked_by).toBe('cli:ops-bob');
    });

    it('records the first signing key and every rotation', async () => {
      const [first] = await queryDb<{ kid: string }>(
        service.ctx.databaseUrl,
        'SELECT kid FROM signing_keys ORDER BY created_at LIMIT 1',
      );
      expect(await entries(first!.kid)).toEqual([
        expect.objectContaining({
          action: 'signing_key.created',
          actor_type: 'system',
          actor_id: 'auth',
          target_type: 'signing_key',
        }),
      ]);
      const rotation = await rotateSigningKey(db, {
        activationDelaySeconds: 120,
        accessTokenTtlSeconds: 900,
        sealing: new SecretBox(TEST_SIGNING_KEY_SEALING_KEY),
        by: { actor: { type: 'system', id: 'cli:ops-carol' } },
      });
      expect(await entries(rotation.kid)).toEqual([
        expect.objectContaining({
          action: 'signing_key.rotated',
          actor_type: 'system',
          actor_id: 'cli:ops-carol',
          target_type: 'signing_key',
          details: { activatesAt: rotation.activatesAt.toISOString(), retired: [] },
        }),
      ]);
    });
  });

  describe('the trail as a whole', () => {
    it('never holds a password, secret, token or hash', async () => {
      const hashes = await queryDb<{ value: string }>(
        service.ctx.databaseUrl,
        `SELECT password_hash AS value FROM users
         UNION ALL SELECT token_hash FROM refresh_tokens
         UNION ALL SELECT token_hash FROM password_reset_tokens
         UNION ALL SELECT secret_hash FROM oauth_clients
         UNION ALL SELECT previous_secret_hash FROM oauth_clients WHERE previous_secret_hash IS NOT NULL
         UNION ALL SELECT private_jwk_sealed FROM signing_keys WHERE private_jwk_sealed IS NOT NULL`,
      );
      const forbidden = [...secrets, ...hashes.map((h) => h.value)];
      expect(forbidden.length).toBeGreaterThan(20);
      const rows = await queryDb<{ entry: string }>(
        service.ctx.databaseUrl,
        'SELECT row_to_json(a)::text AS entry FROM audit_events a',
      );
      expect(rows.length).toBeGreaterThan(20);
      const trail = rows.map((r) => r.entry).join('\n');
      for (const secret of forbidden) expect(trail).not.toContain(secret);
      expect(trail).not.toMatch(/argon2|sec_|"password"/);
    });

    it('holds together: every entry chained, none altered', async () => {
      const [auth] = await verifyAuditChain(db);
      expect(auth).toMatchObject({ stream: 'auth', broken: null });
      expect(auth!.checked).toBeGreaterThan(20);
    });
  });

  describe('GET /v1/me/security-events', () => {
    it('shows the signed-in user their own account’s events only, newest first, in pages', async () => {
      const user = await newUser();
      const other = await newUser();
      await call('POST', '/v1/auth/login', {
        payload: { email: user.email, password: 'wrong password here' },
      });
      await call('POST', '/v1/auth/login', { payload: { email: user.email, password } });
      const first = await call('GET', '/v1/me/security-events?limit=2', {
        token: user.accessToken,
      });
      expect(first.statusCode).toBe(200);
      expect(first.json().items).toEqual([
        {
          id: expect.any(String),
          occurredAt: expect.any(String),
          action: 'auth.login_succeeded',
          actor: { type: 'user' },
          ip: client.remoteAddress,
          userAgent: client.userAgent,
          changes: null,
        },
        expect.objectContaining({ action: 'auth.login_failed', ip: client.remoteAddress }),
      ]);
      const next = await call(
        'GET',
        `/v1/me/security-events?limit=2&cursor=${first.json().nextCursor}`,
        { token: user.accessToken },
      );
      // signUp's own sign-in (no client address of ours), and the registration.
      expect(next.json().items.map((e: { action: string }) => e.action)).toEqual([
        'auth.login_succeeded',
        'user.registered',
      ]);
      expect(next.json().nextCursor).toBeNull();
      const ids = [...first.json().items, ...next.json().items].map((e: { id: string }) => e.id);
      const others = await call('GET', '/v1/me/security-events', { token: other.accessToken });
      expect(others.json().items.some((e: { id: string }) => ids.includes(e.id))).toBe(false);
    });

    it('does not show the user an admin’s address or identity', async () => {
      const admin = await newUser({ admin: true });
      const user = await newUser();
      await call('PATCH', `/v1/auth/admin/users/${user.id}`, {
        token: admin.accessToken,
        payload: { roles: ['customer', 'admin'] },
      });
      const res = await call('GET', '/v1/me/security-events?limit=1', { token: user.accessToken });
      expect(res.json().items).toEqual([
        expect.objectContaining({
          action: 'user.role_granted',
          actor: { type: 'admin' },
          ip: null,
          userAgent: null,
          changes: { roles: { before: ['customer'], after: ['customer', 'admin'] } },
        }),
      ]);
      expect(res.body).not.toContain(admin.id);
    });

    it('needs a signed-in person, and refuses a bad cursor or limit with a 400', async () => {
      expect((await call('GET', '/v1/me/security-events')).statusCode).toBe(401);
      const user = await newUser();
      for (const query of ['cursor=bm9wZQ', 'limit=0', 'limit=101', 'since=x']) {
        const res = await call('GET', `/v1/me/security-events?${query}`, {
          token: user.accessToken,
        });
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });
  });

  describe('GET /v1/admin/audit-events/auth', () => {
    it('lets admins search by actor, action, target and time, with everything recorded', async () => {
      const admin = await newUser({ admin: true });
      const user = await newUser();
      const start = new Date(Date.now() - 1000).toISOString();
      const granted = await call('PATCH', `/v1/auth/admin/users/${user.id}`, {
        token: admin.accessToken,
        payload: { roles: ['customer', 'admin'] },
      });
      const search = (query: string) =>
        call('GET', `/v1/admin/audit-events/auth?${query}`, { token: admin.accessToken });
      const res = await search(
        `action=user.role_granted&targetType=user&targetId=${user.id}&actorId=${admin.id}&actorType=admin&from=${start}`,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        items: [
          {
            id: expect.any(String),
            stream: 'auth',
            seq: expect.any(Number),
            occurredAt: expect.any(String),
            actor: { type: 'admin', id: admin.id },
            action: 'user.role_granted',
            target: { type: 'user', id: user.id },
            changes: { roles: { before: ['customer'], after: ['customer', 'admin'] } },
            details: { role: 'admin' },
            ip: client.remoteAddress,
            userAgent: client.userAgent,
            requestId: granted.requestId,
            traceId: null,
            hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          },
        ],
        nextCursor: null,
      });
      const before = await search(`targetId=${user.id}&to=${start}`);
      expect(before.json().items).toEqual([]);
      const paged = await search(`targetId=${user.id}&limit=1`);
      expect(paged.json().items).toHaveLength(1);
      expect(paged.json().nextCursor).toEqual(expect.any(String));
    });

    it('is for admins only, and refuses bad filters with a 400', async () => {
      const user = await newUser();
      const res = await call('GET', '/v1/admin/audit-events/auth', { token: user.accessToken });
      expect(res.statusCode).toBe(403);
      const admin = await newUser({ admin: true });
      for (const query of ['from=yesterday', 'to=0000-01-01T00:00:00Z', 'actorType=robot', 'x=1']) {
        const bad = await call('GET', `/v1/admin/audit-events/auth?${query}`, {
          token: admin.accessToken,
        });
        expect(bad.statusCode).toBe(400);
      }
    });
  });
});

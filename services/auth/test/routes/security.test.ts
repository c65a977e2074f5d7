import { Redis } from 'ioredis';
import { disabledUserKey, SecretBox } from '@switchyard/service-kit';
import { parseMessage, queryDb, readTopic } from '@switchyard/testing';
import { Topics } from '@switchyard/contracts';
import { startAuthService, TEST_RESET_TOKEN_SEALING_KEY } from '../support.js';
import { freshEmail, password, signUp } from '../support-users.js';

describe('auth service: account security', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let redis: Redis;
  beforeAll(async () => {
    service = await startAuthService();
    redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys('switchyard:auth:login-*');
    if (keys.length) await redis.del(...keys);
  });
  afterAll(async () => {
    await redis.quit();
    await service.close();
  });

  const login = (email: string, pw: string) =>
    service.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: pw } });
  const refresh = (refreshToken: string) =>
    service.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });

  it('locks an account after repeated failures, and answers a missing account the same way', async () => {
    const { email } = await signUp(service.app, service.ctx.databaseUrl);
    const ghost = freshEmail();
    for (let i = 0; i < 5; i++) {
      expect((await login(email, 'wrong password here')).statusCode).toBe(401);
      expect((await login(ghost, 'wrong password here')).statusCode).toBe(401);
    }
    const locked = await login(email, password);
    const lockedGhost = await login(ghost, password);
    expect(locked.statusCode).toBe(429);
    expect(lockedGhost.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    const strip = (b: Record<string, unknown>) => ({
      ...b,
      requestId: undefined,
      instance: undefined,
    });
    expect(strip(locked.json())).toEqual(strip(lockedGhost.json()));
  });

  it('refuses a common password and one equal to the email', async () => {
    const common = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email: freshEmail(), password: 'password123', name: 'X' },
    });
    expect(common.statusCode).toBe(400);
    expect(common.json().detail).toMatch(/too common/);
    const email = freshEmail();
    const same = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email, password: email, name: 'X' },
    });
    expect(same.statusCode).toBe(400);
  });

  it('a password change revokes every refresh token of the user', async () => {
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/password',
      headers: { authorization: `Bearer ${user.accessToken}` },
      payload: { currentPassword: password, newPassword: 'a brand new passphrase' },
    });
    expect(res.statusCode).toBe(204);
    expect((await refresh(user.refreshToken)).statusCode).toBe(401);
    expect((await login(user.email, 'a brand new passphrase')).statusCode).toBe(200);
  });

  it('password reset: 202 for any email, a single-use emailed token, sessions revoked', async () => {
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const unknown = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset',
      payload: { email: freshEmail() },
    });
    const known = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/password-reset',
      payload: { email: user.email },
    });
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);

    const [message] = await readTopic(
      service.ctx.namespace + Topics.users,
      (m) =>
        m.key?.toString() === user.id &&
        m.headers?.ce_type?.toString() === 'dev.switchyard.user.password_reset_requested.v1',
    );
    // On Kafka (and in the outbox) the token is sealed; only the notification service's key
    // opens it. Auth stores its hash alone.
    const sealed = (parseMessage(message!).data as { sealedResetToken: string }).sealedResetToken;
    const token = new SecretBox(TEST_RESET_TOKEN_SEALING_KEY).open(sealed);
    expect(message!.value!.toString()).not.toContain(token);
    const outbox = await queryDb<{ payload: string }>(
      service.ctx.databaseUrl,
      "SELECT payload FROM outbox_events WHERE event_type = 'user.password_reset_requested'",
    );
    expect(outbox.length).toBeGreaterThan(0);
    for (const row of outbox) expect(row.payload).not.toContain(token);
    const confirm = (newPassword: string) =>
      service.app.inject({
        method: 'POST',
        url: '/v1/auth/password-reset/confirm',
        payload: { token, newPassword },
      });
    expect((await confirm('my reset passphrase')).statusCode).toBe(204);
    expect((await confirm('another passphrase!')).statusCode).toBe(422);
    expect((await refresh(user.refreshToken)).statusCode).toBe(401);
    expect((await login(user.email, 'my reset passphrase')).statusCode).toBe(200);
  });

  describe('admin API', () => {
    it('refuses customers (BFLA) and lets admins list users with filters and pages', async () => {
      const customer = await signUp(service.app, service.ctx.databaseUrl);
      const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
      const asCustomer = await service.app.inject({
        url: '/v1/auth/admin/users',
        headers: { authorization: `Bearer ${customer.accessToken}` },
      });
      expect(asCustomer.statusCode).toBe(403);

      const auth = { authorization: `Bearer ${admin.accessToken}` };
      const first = await service.app.inject({
        url: '/v1/auth/admin/users?limit=2',
        headers: auth,
      });
      expect(first.statusCode).toBe(200);
      expect(first.json().items).toHaveLength(2);
      expect(first.json().nextCursor).toEqual(expect.any(String));
      const second = await service.app.inject({
        url: `/v1/auth/admin/users?limit=2&cursor=${first.json().nextCursor}`,
        headers: auth,
      });
      const firstIds = first.json().items.map((u: { id: string }) => u.id);
      expect(
        second
          .json()
          .items.map((u: { id: string }) => u.id)
          .some((id: string) => firstIds.includes(id)),
      ).toBe(false);
      const admins = await service.app.inject({
        url: '/v1/auth/admin/users?role=admin&limit=100',
        headers: auth,
      });
      expect(admins.json().items.every((u: { roles: string[] }) => u.roles.includes('admin'))).toBe(
        true,
      );
      expect(JSON.stringify(admins.json())).not.toMatch(/argon2|passwordHash|password_hash/);
      expect(
        (await service.app.inject({ url: '/v1/auth/admin/users?limit=1000', headers: auth }))
          .statusCode,
      ).toBe(400);
    });

    it('disabling a user ends their sessions at once and denylists their access tokens', async () => {
      const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
      const victim = await signUp(service.app, service.ctx.databaseUrl);
      const res = await service.app.inject({
        method: 'PATCH',
        url: `/v1/auth/admin/users/${victim.id}`,
        headers: { authorization: `Bearer ${admin.accessToken}` },
        payload: { disabled: true },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().disabled).toBe(true);
      expect((await refresh(victim.refreshToken)).statusCode).toBe(401);
      expect((await login(victim.email, password)).statusCode).toBe(401);
      expect(await redis.ttl(disabledUserKey(victim.id))).toBeGreaterThan(900);
    });

    it('changes roles, and refuses a role it does not know', async () => {
      const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
      const user = await signUp(service.app, service.ctx.databaseUrl);
      const patch = (roles: unknown) =>
        service.app.inject({
          method: 'PATCH',
          url: `/v1/auth/admin/users/${user.id}`,
          headers: { authorization: `Bearer ${admin.accessToken}` },
          payload: { roles },
        });
      expect((await patch(['customer', 'admin'])).json().roles).toEqual(['customer', 'admin']);
      expect((await patch(['root'])).statusCode).toBe(400);
    });
  });
});

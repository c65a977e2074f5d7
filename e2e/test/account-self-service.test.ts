// What a customer does with their own account, through the gateway, every service a real
// process: verify their email from the link in the email, move to a new address (verified
// first, the old one told), see their sessions and sign them out, change their password, and
// delete their account — erased in every service through user.deleted.
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { Topics } from '@switchyard/contracts';
import {
  parseMessage,
  queryDb,
  readTopic,
  startPlatform,
  waitFor,
  type Platform,
} from '@switchyard/testing';
import { apiClient } from './client.js';

const password = 'a long enough passphrase';

describe('account self-service through the gateway', () => {
  let platform: Platform;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    platform = await startPlatform({
      env: {
        // Unverified accounts may not order (the default limits nothing).
        UNVERIFIED_ACCOUNT_DENIED_ROUTES: 'POST /v1/orders',
        VERIFICATION_EMAILS_PER_HOUR: '3',
      },
    });
    api = apiClient(platform.gatewayUrl);
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  const databaseOf = (service: string) =>
    platform.processes.find((p) => p.name === service)!.database!.url;

  async function signIn(email: string, userAgent = 'e2e-browser/1.0') {
    const login = await api.call('POST', '/v1/auth/login', {
      body: { email, password },
      headers: { 'user-agent': userAgent },
    });
    expect(login.status).toBe(200);
    return login.body as { accessToken: string; refreshToken: string };
  }

  async function customer(name = 'Vera') {
    const email = `self-${randomUUID()}@example.com`;
    const registered = await api.post('/v1/auth/register', { email, password, name });
    expect(registered.status).toBe(201);
    return { email, userId: registered.body.id as string, ...(await signIn(email)) };
  }

  /** The token in the newest email to `address` with this subject. */
  async function tokenFromEmail(address: string, subject: string, after = 0): Promise<string> {
    const mail = await waitFor(
      async () => {
        const mails = (await platform.smtp.emailsTo(address)).filter((m) => m.subject === subject);
        return mails.length > after ? mails[mails.length - 1] : undefined;
      },
      { timeoutMs: 30_000, what: `"${subject}" to ${address}` },
    );
    const token = /\?token=([A-Za-z0-9_-]{40,})/.exec(mail.text)?.[1];
    expect(token).toBeDefined();
    // The same token stands on its own line, for a person to paste.
    expect(mail.text).toContain(`\n${token}\n`);
    return token!;
  }

  const refresh = async (refreshToken: string) =>
    (await api.post('/v1/auth/refresh', { refreshToken })).body as {
      accessToken: string;
      refreshToken: string;
    };

  it('verifies the address from the emailed link; until then the account may not order', async () => {
    const c = await customer();
    expect(decodeJwt(c.accessToken).email_verified).toBe(false);
    expect((await api.get('/v1/account/email', c.accessToken)).body).toEqual({
      email: c.email,
      verified: false,
      verifiedAt: null,
    });
    const refused = await api.post('/v1/orders', { lines: [] }, c.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body.detail).toMatch(/verify your email/i);

    const sent = await api.post('/v1/account/email/verification', undefined, c.accessToken);
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({ status: 'accepted', email: c.email });
    const token = await tokenFromEmail(c.email, 'Verify your email address');

    expect((await api.post('/v1/account/email/verify', { token: 'x' })).status).toBe(400);
    const verified = await api.post('/v1/account/email/verify', { token });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ email: c.email, verified: true });
    // Once only.
    expect((await api.post('/v1/account/email/verify', { token })).status).toBe(422);
    expect(
      (await api.post('/v1/account/email/verification', undefined, c.accessToken)).status,
    ).toBe(409);

    // A refreshed session says so, and may order (the order service judges the body now).
    const renewed = await refresh(c.refreshToken);
    expect(decodeJwt(renewed.accessToken).email_verified).toBe(true);
    expect((await api.post('/v1/orders', { lines: [] }, renewed.accessToken)).status).toBe(400);

    const trail = (await api.get('/v1/me/security-events', renewed.accessToken)).body.items as {
      action: string;
    }[];
    expect(trail.map((e) => e.action)).toContain('user.email_verified');
  });

  it('limits how many verification emails an account can have sent', async () => {
    const c = await customer();
    const ask = () => api.post('/v1/account/email/verification', undefined, c.accessToken);
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(202);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Only the newest link works.
    await waitFor(
      async () =>
        (await platform.smtp.emailsTo(c.email)).filter(
          (m) => m.subject === 'Verify your email address',
        ).length === 3 || undefined,
      { timeoutMs: 30_000, what: 'three verification emails' },
    );
    const mails = (await platform.smtp.emailsTo(c.email)).filter(
      (m) => m.subject === 'Verify your email address',
    );
    const tokens = mails.map((m) => /\?token=([A-Za-z0-9_-]{40,})/.exec(m.text)![1]!);
    const answers = await Promise.all(
      tokens.map(async (token) => (await api.post('/v1/account/email/verify', { token })).status),
    );
    expect(answers.sort()).toEqual([200, 422, 422]);
  });

  it('moves the account to a new address once that address is verified, and tells the old one', async () => {
    const c = await customer();
    const other = await customer();
    const newEmail = `moved-${randomUUID()}@example.com`;
    const change = (body: unknown) =>
      api.call('POST', '/v1/account/email', { token: c.accessToken, body });
    expect((await change({ newEmail, password: 'not my password' })).status).toBe(401);
    expect((await change({ newEmail: other.email, password })).status).toBe(409);
    expect((await change({ newEmail: 'not an address', password })).status).toBe(400);
    expect((await change({ newEmail, password, extra: 1 })).status).toBe(400);
    const asked = await change({ newEmail, password });
    expect(asked.status).toBe(202);

    // Nothing moves until the new address proves itself.
    const token = await tokenFromEmail(newEmail, 'Verify your email address');
    expect((await api.get('/v1/account/profile', c.accessToken)).body.email).toBe(c.email);
    const moved = await api.post('/v1/account/email/verify', { token });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ email: newEmail, verified: true });

    const notice = await waitFor(
      async () =>
        (await platform.smtp.emailsTo(c.email)).find(
          (m) => m.subject === 'Your email address was changed',
        ),
      { timeoutMs: 30_000, what: 'change notice to the old address' },
    );
    expect(notice.text).toContain(newEmail);
    expect((await api.post('/v1/auth/login', { email: newEmail, password })).status).toBe(200);
    expect((await api.post('/v1/auth/login', { email: c.email, password })).status).toBe(401);

    const [message] = await readTopic(
      platform.namespace + Topics.users,
      (m) =>
        m.key?.toString() === c.userId &&
        String(m.headers?.ce_type) === 'dev.switchyard.user.email_changed.v1',
    );
    expect(parseMessage(message!).data).toEqual({
      userId: c.userId,
      previousEmail: c.email,
      email: newEmail,
      name: 'Vera',
    });
    const trail = (await api.get('/v1/me/security-events', c.accessToken)).body.items as {
      action: string;
    }[];
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['user.email_change_requested', 'user.email_changed']),
    );
  });

  it('lists the sessions with their device and signs out one, then all the others', async () => {
    const c = await customer();
    const phone = await signIn(c.email, 'e2e-phone/2.0');
    const tablet = await signIn(c.email, 'e2e-tablet/3.0');

    const listed = await api.get('/v1/account/sessions', c.accessToken);
    expect(listed.status).toBe(200);
    const sessions = listed.body.items as {
      id: string;
      userAgent: string;
      ip: string;
      current: boolean;
      lastUsedAt: string;
    }[];
    expect(sessions.map((s) => s.userAgent).sort()).toEqual([
      'e2e-browser/1.0',
      'e2e-phone/2.0',
      'e2e-tablet/3.0',
    ]);
    expect(sessions.filter((s) => s.current).map((s) => s.userAgent)).toEqual(['e2e-browser/1.0']);
    expect(sessions.every((s) => s.ip && s.lastUsedAt)).toBe(true);

    // Signing out the phone: its access token stops at once, its refresh token is dead.
    const phoneSession = sessions.find((s) => s.userAgent === 'e2e-phone/2.0')!;
    expect(decodeJwt(phone.accessToken).sid).toBe(phoneSession.id);
    expect((await api.get('/v1/auth/me', phone.accessToken)).status).toBe(200);
    const signOut = (id: string) =>
      api.call('DELETE', `/v1/account/sessions/${id}`, { token: c.accessToken });
    expect((await signOut(phoneSession.id)).status).toBe(204);
    expect((await api.get('/v1/auth/me', phone.accessToken)).status).toBe(401);
    expect((await api.post('/v1/auth/refresh', { refreshToken: phone.refreshToken })).status).toBe(
      401,
    );
    expect((await signOut(phoneSession.id)).status).toBe(404);
    expect((await signOut('not-a-uuid')).status).toBe(400);
    // Someone else's live session is not found either, and goes on.
    const tabletSession = sessions.find((s) => s.userAgent === 'e2e-tablet/3.0')!;
    const stranger = await customer();
    expect(
      (
        await api.call('DELETE', `/v1/account/sessions/${tabletSession.id}`, {
          token: stranger.accessToken,
        })
      ).status,
    ).toBe(404);
    expect((await api.get('/v1/auth/me', c.accessToken)).status).toBe(200);
    expect((await api.get('/v1/auth/me', tablet.accessToken)).status).toBe(200);

    // All the others: the tablet goes, the asking session stays.
    const all = await api.call('DELETE', '/v1/account/sessions?keepCurrent=true', {
      token: c.accessToken,
    });
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ signedOut: 1 });
    expect((await api.get('/v1/auth/me', tablet.accessToken)).status).toBe(401);
    expect((await api.get('/v1/auth/me', c.accessToken)).status).toBe(200);
    const left = (await api.get('/v1/account/sessions', c.accessToken)).body.items;
    expect(left).toHaveLength(1);

    const trail = (await api.get('/v1/me/security-events', c.accessToken)).body.items as {
      action: string;
    }[];
    expect(trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['auth.session_signed_out', 'auth.sessions_signed_out']),
    );
  });

  it('a password change signs out the other sessions, their access tokens too', async () => {
    const c = await customer();
    const other = await signIn(c.email, 'e2e-other/1.0');
    const changed = await api.call('POST', '/v1/auth/password', {
      token: c.accessToken,
      body: { currentPassword: password, newPassword: 'a brand new passphrase' },
    });
    expect(changed.status).toBe(204);
    expect((await api.get('/v1/auth/me', other.accessToken)).status).toBe(401);
    expect((await api.post('/v1/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(
      401,
    );
    // The session that changed it keeps its access token (its refresh token is revoked too).
    expect((await api.get('/v1/auth/me', c.accessToken)).status).toBe(200);
    expect((await api.post('/v1/auth/refresh', { refreshToken: c.refreshToken })).status).toBe(401);
  });

  it('exports everything every service holds about the caller as one JSON document', async () => {
    const c = await customer('Xena Export');
    const other = await customer('Other');
    // The welcome notification is there to export.
    await waitFor(
      async () =>
        ((await api.get('/v1/notifications', c.accessToken)).body.items as unknown[]).length > 0 ||
        undefined,
      { timeoutMs: 30_000, what: 'welcome notification' },
    );
    expect((await api.get('/v1/account/export')).status).toBe(401);
    const exported = await api.get('/v1/account/export', c.accessToken);
    expect(exported.status).toBe(200);
    const { services } = exported.body;
    expect(Object.keys(services).sort()).toEqual([
      'auth',
      'billing',
      'notification',
      'order',
      'payment',
    ]);
    expect(services.auth.data.account).toMatchObject({
      id: c.userId,
      email: c.email,
      name: 'Xena Export',
    });
    expect(services.auth.data.sessions).toHaveLength(1);
    expect(services.notification.data.contact).toEqual({ email: c.email, name: 'Xena Export' });
    expect(services.notification.data.notifications.length).toBeGreaterThan(0);
    expect(services.order.data.orders).toEqual([]);
    expect(services.payment.data).toEqual({ payments: [], savedCards: [] });
    // Only the caller's, and never a secret.
    const text = JSON.stringify(exported.body);
    expect(text).not.toContain(other.email);
    expect(text).not.toMatch(/passwordHash|tokenHash|\$argon2/);
  });

  it('deletes the account with its password: erased in every service, invoices kept', async () => {
    const c = await customer('Dora Deleted');
    const billingAddress = {
      line1: '1 Erasure Lane',
      line2: null,
      city: 'Lyon',
      postalCode: '69001',
      region: null,
      country: 'FR',
    };
    expect(
      (
        await api.call('PUT', '/v1/account/profile', {
          token: c.accessToken,
          body: { name: 'Dora Deleted', billingAddress },
        })
      ).status,
    ).toBe(200);
    // Notification and billing know the person before.
    await waitFor(
      async () =>
        (
          await queryDb(databaseOf('notification'), 'SELECT 1 FROM recipients WHERE user_id = $1', [
            c.userId,
          ])
        ).length === 1 || undefined,
      { timeoutMs: 30_000, what: 'notification recipient' },
    );
    await waitFor(
      async () =>
        (
          await queryDb(
            databaseOf('billing'),
            'SELECT 1 FROM customers WHERE user_id = $1 AND billing_address IS NOT NULL',
            [c.userId],
          )
        ).length === 1 || undefined,
      { timeoutMs: 30_000, what: 'billing customer with address' },
    );

    const remove = (body: unknown, token = c.accessToken) =>
      api.call('POST', '/v1/account/deletion', { token, body });
    expect((await remove({ password: 'not my password' })).status).toBe(401);
    expect((await remove({})).status).toBe(400);
    expect((await remove({ password })).status).toBe(204);

    // Signed out everywhere at once, and no way back in.
    expect((await api.get('/v1/auth/me', c.accessToken)).status).toBe(401);
    expect((await api.post('/v1/auth/refresh', { refreshToken: c.refreshToken })).status).toBe(401);
    expect((await api.post('/v1/auth/login', { email: c.email, password })).status).toBe(401);

    const [message] = await readTopic(
      platform.namespace + Topics.users,
      (m) =>
        m.key?.toString() === c.userId &&
        String(m.headers?.ce_type) === 'dev.switchyard.user.deleted.v1',
    );
    expect(parseMessage(message!).data).toEqual({
      userId: c.userId,
      deletedAt: expect.any(String),
    });

    const [user] = await queryDb(
      databaseOf('auth'),
      `SELECT email, name, billing_address, disabled, deleted_at,
              (SELECT count(*)::int FROM refresh_tokens WHERE user_id = $1) AS tokens
         FROM users WHERE id = $1`,
      [c.userId],
    );
    expect(user).toMatchObject({
      email: `deleted-${c.userId}@deleted.invalid`,
      name: '',
      billing_address: null,
      disabled: true,
      tokens: 0,
    });
    const [audit] = await queryDb(
      databaseOf('auth'),
      `SELECT actor_id FROM audit_events WHERE action = 'user.deleted' AND target_id = $1`,
      [c.userId],
    );
    expect(audit).toEqual({ actor_id: c.userId });

    await waitFor(
      async () => {
        const notification = await queryDb(
          databaseOf('notification'),
          `SELECT (SELECT count(*)::int FROM recipients WHERE user_id = $1)
                + (SELECT count(*)::int FROM notifications WHERE user_id = $1) AS n`,
          [c.userId],
        );
        return notification[0]!.n === 0 || undefined;
      },
      { timeoutMs: 30_000, what: 'notification erased' },
    );
    await waitFor(
      async () => {
        const [customer] = await queryDb(
          databaseOf('billing'),
          'SELECT name, email, billing_address FROM customers WHERE user_id = $1',
          [c.userId],
        );
        return customer?.email === '' ? customer : undefined;
      },
      { timeoutMs: 30_000, what: 'billing customer erased' },
    ).then((customer) =>
      expect(customer).toEqual({ name: 'Deleted customer', email: '', billing_address: null }),
    );
    // Deleting again: the account is gone (its tokens no longer work).
    expect((await remove({ password })).status).toBe(401);
  });
});

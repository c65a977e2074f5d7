// The audit trail through the gateway, every service a real process: a customer sees their
// failed and successful sign-ins, with the address and user agent they came from; an admin
// finds a role grant in the auth service's trail.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { sharedPlatform, type SharedPlatform } from '@switchyard/testing';
import { apiClient } from './client.js';

const run = promisify(execFile);
const password = 'an audited passphrase';
const userAgent = 'SwitchyardE2E/1.0 (audit)';

describe('audit trail through the gateway', () => {
  let platform: SharedPlatform;
  let api: ReturnType<typeof apiClient>;

  beforeAll(() => {
    platform = sharedPlatform();
    api = apiClient(platform.gatewayUrl);
  });

  const logIn = (email: string, pw: string) =>
    api.call('POST', '/v1/auth/login', {
      body: { email, password: pw },
      headers: { 'user-agent': userAgent },
    });

  async function customer() {
    const email = `audit-${randomUUID()}@example.com`;
    expect((await api.post('/v1/auth/register', { email, password, name: 'Aud' })).status).toBe(
      201,
    );
    return email;
  }

  it('shows a customer their failed and successful sign-ins, with IP and user agent', async () => {
    const email = await customer();
    const wrong = await logIn(email, 'not my passphrase at all');
    expect(wrong.status).toBe(401);
    const right = await logIn(email, password);
    expect(right.status).toBe(200);

    const events = await api.get('/v1/me/security-events?limit=10', right.body.accessToken);
    expect(events.status).toBe(200);
    const [succeeded, failed] = events.body.items;
    // The gateway's address for the client: the test runs on this machine.
    const ip = expect.stringMatching(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
    expect(succeeded).toMatchObject({ action: 'auth.login_succeeded', ip, userAgent });
    expect(failed).toMatchObject({ action: 'auth.login_failed', ip, userAgent });
    expect(Date.parse(succeeded.occurredAt)).toBeGreaterThanOrEqual(Date.parse(failed.occurredAt));
    expect(JSON.stringify(events.body)).not.toContain('not my passphrase');
  });

  it('lets an admin find a role grant in the auth service’s trail', async () => {
    const adminEmail = await customer();
    const auth = platform.processes.find((p) => p.name === 'auth')!;
    await run(process.execPath, ['dist/cli/grant-role.js', adminEmail, 'admin', '--by', 'e2e'], {
      cwd: auth.cwd,
      env: { ...process.env, DATABASE_URL: auth.database!.url },
    });
    const adminToken = (await logIn(adminEmail, password)).body.accessToken as string;
    const userEmail = await customer();
    const users = await api.get(
      `/v1/auth/admin/users?email=${encodeURIComponent(userEmail)}`,
      adminToken,
    );
    const userId = users.body.items[0].id as string;
    const admin = await api.get('/v1/auth/me', adminToken);
    const granted = await api.call('PATCH', `/v1/auth/admin/users/${userId}`, {
      token: adminToken,
      body: { roles: ['customer', 'admin'] },
      headers: { 'user-agent': userAgent },
    });
    expect(granted.status).toBe(200);

    const found = await api.get(
      `/v1/admin/audit-events/auth?action=user.role_granted&targetType=user&targetId=${userId}`,
      adminToken,
    );
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({
        action: 'user.role_granted',
        actor: { type: 'admin', id: admin.body.id },
        target: { type: 'user', id: userId },
        changes: { roles: { before: ['customer'], after: ['customer', 'admin'] } },
        userAgent,
        requestId: granted.headers.get('x-request-id'),
        // The span the auth service handled the request in (telemetry is on in every process).
        traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      }),
    ]);
    // The command line's grant to the admin is in the trail too, by its operator.
    const byCli = await api.get(
      `/v1/admin/audit-events/auth?action=user.role_granted&actorId=cli:e2e`,
      adminToken,
    );
    expect(byCli.body.items).toEqual([
      expect.objectContaining({ actor: { type: 'system', id: 'cli:e2e' } }),
    ]);
    // A customer is refused the admin search.
    const customerToken = (await logIn(await customer(), password)).body.accessToken as string;
    const refused = await api.get('/v1/admin/audit-events/auth', customerToken);
    expect(refused.status).toBe(403);
  });
});

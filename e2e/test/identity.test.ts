// Identity journeys through the gateway, every service a real process: discovery and
// verification with a standard library, password reset by email, key rotation without a
// restart, and a machine client's client-credentials token.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { Topics } from '@switchyard/contracts';
import {
  parseMessage,
  readTopic,
  startPlatform,
  waitFor,
  type Platform,
} from '@switchyard/testing';
import { apiClient } from './client.js';

const run = promisify(execFile);
const password = 'a long enough passphrase';

describe('identity through the gateway', () => {
  let platform: Platform;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    // Fast key reloads and JWKS refetches, so a rotation is seen within seconds.
    platform = await startPlatform({
      env: { KEY_RELOAD_INTERVAL_MS: '300', JWKS_COOLDOWN_MS: '300' },
    });
    api = apiClient(platform.gatewayUrl);
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  const auth = () => platform.processes.find((p) => p.name === 'auth')!;
  const authCli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, args, {
      cwd: auth().cwd,
      env: {
        ...process.env,
        DATABASE_URL: auth().database!.url,
        SIGNING_KEY_SEALING_KEY: auth().env.SIGNING_KEY_SEALING_KEY,
        ...env,
      },
    });

  /** An admin registers a machine client with these scopes. */
  async function machineClient(scopes: string[]) {
    const admin = await customer();
    await authCli(['dist/cli/grant-role.js', admin.email, 'admin']);
    const adminToken = (await api.post('/v1/auth/login', { email: admin.email, password })).body
      .accessToken as string;
    const registered = await api.post(
      '/v1/auth/admin/clients',
      { name: `integration-${randomUUID().slice(0, 8)}`, scopes },
      adminToken,
    );
    expect(registered.status).toBe(201);
    return {
      clientId: registered.body.clientId as string,
      clientSecret: registered.body.clientSecret as string,
      adminToken,
    };
  }

  async function customer() {
    const email = `id-${randomUUID()}@example.com`;
    await api.post('/v1/auth/register', { email, password, name: 'Ida' });
    const login = await api.post('/v1/auth/login', { email, password });
    return { email, token: login.body.accessToken as string };
  }

  it('publishes RFC 8414 metadata; a standard library verifies our tokens from it', async () => {
    const metadata = (await api.get('/.well-known/oauth-authorization-server')).body;
    expect(metadata.issuer).toBe(platform.gatewayUrl);
    expect(metadata.jwks_uri).toBe(`${platform.gatewayUrl}/.well-known/jwks.json`);
    // Not an OpenID Provider (no ID tokens): no OIDC discovery document that would be invalid.
    expect((await api.get('/.well-known/openid-configuration')).status).toBe(404);
    const { token } = await customer();
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(metadata.jwks_uri)), {
      issuer: metadata.issuer,
      audience: 'switchyard-api',
    });
    expect(payload.roles).toEqual(['customer']);
  });

  it('works with openid-client and oauth4webapi: discovery, client credentials, refresh, RFC 9068 validation', async () => {
    const insecure = { execute: [openid.allowInsecureRequests], algorithm: 'oauth2' as const };
    const gateway = new URL(platform.gatewayUrl);
    const { clientId, clientSecret } = await machineClient(['orders:read']);

    // A machine client, configured from discovery alone.
    const machine = await openid.discovery(gateway, clientId, clientSecret, undefined, insecure);
    const granted = await openid.clientCredentialsGrant(machine, { scope: 'orders:read' });
    expect(granted.token_type.toLowerCase()).toBe('bearer');

    // The first-party web client is public (no secret): it refreshes a signed-in user's session.
    const email = `id-${randomUUID()}@example.com`;
    await api.post('/v1/auth/register', { email, password, name: 'Ida' });
    const login = (await api.post('/v1/auth/login', { email, password })).body;
    const web = await openid.discovery(
      gateway,
      'switchyard-web',
      undefined,
      openid.None(),
      insecure,
    );
    const refreshed = await openid.refreshTokenGrant(web, login.refreshToken);
    expect(refreshed.refresh_token).not.toBe(login.refreshToken);

    // A resource server validating access tokens strictly as RFC 9068 says.
    const as = machine.serverMetadata();
    const validate = (token: string) =>
      oauth.validateJwtAccessToken(
        as,
        new Request(`${platform.gatewayUrl}/v1/orders`, {
          headers: { authorization: `Bearer ${token}` },
        }),
        'switchyard-api',
        { [oauth.allowInsecureRequests]: true },
      );
    const machineClaims = await validate(granted.access_token);
    expect(machineClaims).toMatchObject({ client_id: clientId, sub: clientId });
    for (const token of [login.accessToken as string, refreshed.access_token]) {
      const claims = await validate(token);
      expect(claims.client_id).toBe('switchyard-web');
      expect(claims.sub).not.toBe('switchyard-web');
      // Still a person to the services, not a machine client.
      expect((await api.get('/v1/auth/me', token)).status).toBe(200);
    }
  });

  it('keeps the customer’s profile and billing address, and announces the change on Kafka', async () => {
    const email = `id-${randomUUID()}@example.com`;
    const userId = (await api.post('/v1/auth/register', { email, password, name: 'Ida' })).body
      .id as string;
    const token = (await api.post('/v1/auth/login', { email, password })).body
      .accessToken as string;
    expect((await api.get('/v1/account/profile')).status).toBe(401);
    expect((await api.get('/v1/account/profile', token)).body).toEqual({
      name: 'Ida',
      email,
      billingAddress: null,
    });

    const billingAddress = {
      line1: '1 Rue de Rivoli',
      line2: null,
      city: 'Paris',
      postalCode: '75001',
      region: null,
      country: 'FR',
    };
    const put = (body: unknown) => api.call('PUT', '/v1/account/profile', { token, body });
    const updated = await put({ name: 'Ida Noor', billingAddress });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ name: 'Ida Noor', email, billingAddress });
    expect(
      (await put({ name: 'Ida', billingAddress: { ...billingAddress, country: 'fr' } })).status,
    ).toBe(400);

    const [message] = await readTopic(
      platform.namespace + Topics.users,
      (m) =>
        m.key?.toString() === userId &&
        String(m.headers?.ce_type) === 'dev.switchyard.user.profile_updated.v1',
    );
    expect(parseMessage(message!).data).toEqual({ userId, name: 'Ida Noor', billingAddress });
  });

  it('resets a password with the token from the email, once', async () => {
    const { email } = await customer();
    expect((await api.post('/v1/auth/password-reset', { email })).status).toBe(202);
    const mail = await waitFor(
      async () =>
        (await platform.smtp.emailsTo(email)).find((m) => m.subject === 'Password reset requested'),
      { timeoutMs: 30_000, what: 'reset email' },
    );
    const token = /password before [^ ]+:\s+([A-Za-z0-9_-]{40,})/.exec(mail.text)?.[1];
    expect(token).toBeDefined();
    const confirm = () =>
      api.post('/v1/auth/password-reset/confirm', {
        token,
        newPassword: 'my new reset passphrase',
      });
    expect((await confirm()).status).toBe(204);
    expect((await confirm()).status).toBe(422);
    expect(
      (await api.post('/v1/auth/login', { email, password: 'my new reset passphrase' })).status,
    ).toBe(200);
    expect((await api.post('/v1/auth/login', { email, password })).status).toBe(401);
    // The inbox says a reset happened, but never shows the token.
    const login = await api.post('/v1/auth/login', { email, password: 'my new reset passphrase' });
    const inbox = (await api.get('/v1/notifications', login.body.accessToken)).body.items as {
      body: string;
    }[];
    expect(inbox.some((n) => n.body.includes(token!))).toBe(false);
  });

  it('rotates the signing key with no restart: new tokens use it, old tokens keep working', async () => {
    const before = await customer();
    const oldKid = decodeProtectedHeader(before.token).kid;
    const { stdout } = await authCli(['dist/cli/rotate-signing-key.js'], {
      KEY_ACTIVATION_DELAY_SECONDS: '2',
    });
    const newKid = /new signing key ([0-9a-f-]{36})/.exec(stdout)?.[1];
    expect(newKid).toBeDefined();
    expect(stdout).not.toMatch(/"d"|privateJwk|private_jwk/);
    await waitFor(
      async () => {
        const jwks = (await api.get('/.well-known/jwks.json')).body as { keys: { kid: string }[] };
        return jwks.keys.some((k) => k.kid === newKid);
      },
      { what: 'new key published' },
    );
    const after = await waitFor(
      async () => {
        const c = await customer();
        return decodeProtectedHeader(c.token).kid === newKid ? c : undefined;
      },
      { timeoutMs: 20_000, what: 'tokens signed by the new key' },
    );
    expect(oldKid).not.toBe(newKid);
    expect((await api.get('/v1/orders', after.token)).status).toBe(200);
    expect((await api.get('/v1/orders', before.token)).status).toBe(200);
  });

  it('gives a registered machine client a client-credentials token that the gateway accepts', async () => {
    const { clientId, clientSecret, adminToken } = await machineClient(['orders:read']);
    const res = await fetch(`${platform.gatewayUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials&scope=orders%3Aread',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      access_token: string;
      refresh_token?: string;
      scope: string;
    };
    expect(body.scope).toBe('orders:read');
    expect(body.refresh_token).toBeUndefined();
    // Its scope lets it read orders (all of them: it is an integration, not a customer)...
    const orders = await api.get('/v1/orders', body.access_token);
    expect(orders.status).toBe(200);
    expect(Array.isArray(orders.body.items)).toBe(true);
    // ...and nothing it was not granted, nor anything meant for a person: 403, never a 5xx.
    expect((await api.get('/v1/payments', body.access_token)).status).toBe(403);
    expect((await api.get('/v1/notifications', body.access_token)).status).toBe(403);
    expect((await api.get('/v1/auth/me', body.access_token)).status).toBe(403);
    const order = await api.post(
      '/v1/orders',
      {
        lines: [{ productId: '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001', quantity: 1 }],
        paymentMethod: 'pm_card_visa',
      },
      body.access_token,
    );
    expect(order.status).toBe(403);
    const listed = (await api.get('/v1/auth/admin/clients', adminToken)).body.items as Record<
      string,
      unknown
    >[];
    expect(JSON.stringify(listed)).not.toContain(clientSecret);
  });

  it('revokes a machine client and rotates its secret: through the gateway, from the CLI, in the audit trail', async () => {
    const { clientId, clientSecret, adminToken } = await machineClient(['orders:read']);
    const tokenFor = async (secret: string) => {
      const res = await fetch(`${platform.gatewayUrl}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      });
      return { status: res.status, body: (await res.json()) as { access_token?: string } };
    };

    // Rotation: the replaced secret still works during the overlap; 0 ends it at once.
    const rotated = await api.post(
      `/v1/auth/admin/clients/${clientId}/rotate-secret`,
      { overlapSeconds: 3600 },
      adminToken,
    );
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.clientSecret as string;
    expect((await tokenFor(clientSecret)).status).toBe(200);
    expect((await tokenFor(newSecret)).status).toBe(200);
    const { stdout, stderr } = await authCli([
      'dist/cli/rotate-machine-client-secret.js',
      clientId,
      '--overlap-seconds',
      '0',
      '--by',
      'e2e-operator',
    ]);
    const cliSecret = /^(sec_\S+)$/m.exec(stdout)?.[1];
    expect(cliSecret).toBeDefined();
    expect(stderr).not.toContain(cliSecret);
    expect((await tokenFor(newSecret)).status).toBe(401);
    const live = (await tokenFor(cliSecret!)).body.access_token!;
    expect((await api.get('/v1/orders', live)).status).toBe(200);

    // Revocation: the live token is refused at the gateway at once, and no new one is issued.
    const revoked = await api.post(
      `/v1/auth/admin/clients/${clientId}/revoke`,
      undefined,
      adminToken,
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ clientId, disabled: true });
    expect((await api.get('/v1/orders', live)).status).toBe(401);
    expect((await tokenFor(cliSecret!)).status).toBe(401);

    // One audit trail entry per change: who, which client, when — and never a secret.
    const trail = await api.get(
      `/v1/admin/audit-events/auth?targetType=machine_client&targetId=${clientId}`,
      adminToken,
    );
    const admin = expect.objectContaining({ type: 'admin' });
    expect(
      trail.body.items
        .filter((e: { action: string }) => e.action.startsWith('machine_client.'))
        .reverse(),
    ).toEqual([
      expect.objectContaining({ action: 'machine_client.created', actor: admin }),
      expect.objectContaining({ action: 'machine_client.secret_rotated', actor: admin }),
      expect.objectContaining({
        action: 'machine_client.secret_rotated',
        actor: { type: 'system', id: 'cli:e2e-operator' },
      }),
      expect.objectContaining({ action: 'machine_client.revoked', actor: admin }),
    ]);
    const logs = platform.replica('auth').process.output();
    for (const secret of [clientSecret, newSecret, cliSecret!]) {
      expect(logs).not.toContain(secret);
      expect(JSON.stringify(trail.body)).not.toContain(secret);
    }
  });
});

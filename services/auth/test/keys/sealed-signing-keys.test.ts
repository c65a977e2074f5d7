// JWT private signing keys at rest: sealed under SIGNING_KEY_SEALING_KEY, so a backup or a
// dump of the auth database alone cannot sign tokens. Rows an earlier version stored in plain
// JSON are sealed by the first replica that loads them, and keep signing; rotating the
// sealing key reseals them.
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { loadConfig, SecretBox, type App } from '@switchyard/service-kit';
import { queryDb } from '@switchyard/testing';
import { buildApp } from '../../src/app.js';
import { AuthConfig } from '../../src/config.js';
import {
  startAuthService,
  TEST_RESET_TOKEN_SEALING_KEY,
  TEST_SIGNING_KEY_SEALING_KEY,
} from '../support.js';
import { password, signUp } from '../support-users.js';

interface KeyRow {
  kid: string;
  private_jwk: unknown;
  private_jwk_sealed: string | null;
}

describe('auth service: signing keys sealed at rest', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  const others: App[] = [];
  beforeAll(async () => {
    service = await startAuthService();
  });
  afterAll(async () => {
    for (const app of others) await app.close();
    await service.close();
  });

  /** Another replica of this deployment (same database), with these settings. */
  async function replica(env: Record<string, string> = {}) {
    const app = await buildApp(loadConfig(AuthConfig, { ...service.ctx.env, ...env }));
    await app.ready();
    others.push(app);
    return app;
  }
  const keyRows = () =>
    queryDb<KeyRow>(
      service.ctx.databaseUrl,
      'SELECT kid, private_jwk, private_jwk_sealed FROM signing_keys ORDER BY created_at',
    );
  async function loginKid(app: App) {
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const login = await app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: user.email, password },
    });
    expect(login.statusCode).toBe(200);
    const token = login.json().accessToken as string;
    const jwks = (await app.inject({ url: '/.well-known/jwks.json' })).json();
    await jwtVerify(token, createLocalJWKSet(jwks), { audience: 'switchyard-api' });
    return decodeProtectedHeader(token).kid;
  }

  it('stores the private key only sealed: no private parameter in any column', async () => {
    const rows = await keyRows();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.private_jwk).toBeNull();
      expect(row.private_jwk_sealed).not.toMatch(/"d"/);
      const opened = JSON.parse(
        new SecretBox(TEST_SIGNING_KEY_SEALING_KEY).open(row.private_jwk_sealed!),
      );
      expect(opened).toMatchObject({ kid: row.kid, d: expect.any(String) });
    }
    expect(await loginKid(service.app)).toBe(rows[rows.length - 1]!.kid);
  });

  it('seals a plain row an earlier version stored, and keeps signing with that key', async () => {
    const [current] = await keyRows();
    const plain = JSON.parse(
      new SecretBox(TEST_SIGNING_KEY_SEALING_KEY).open(current!.private_jwk_sealed!),
    );
    // What the auth database holds before this change: the private JWK in plain JSON.
    await queryDb(
      service.ctx.databaseUrl,
      'UPDATE signing_keys SET private_jwk = $2, private_jwk_sealed = NULL WHERE kid = $1',
      [current!.kid, JSON.stringify(plain)],
    );
    const upgraded = await replica();
    expect(await loginKid(upgraded)).toBe(current!.kid);
    const [row] = await keyRows();
    expect(row!.private_jwk).toBeNull();
    expect(
      JSON.parse(new SecretBox(TEST_SIGNING_KEY_SEALING_KEY).open(row!.private_jwk_sealed!)),
    ).toEqual(plain);
  });

  it('reseals under a new sealing key listed first, then signs with the old key dropped', async () => {
    const newKey = randomBytes(32).toString('base64');
    const rotating = await replica({
      SIGNING_KEY_SEALING_KEY: `${newKey},${TEST_SIGNING_KEY_SEALING_KEY}`,
    });
    const kid = await loginKid(rotating);
    const newId = new SecretBox(newKey).currentKeyId;
    for (const row of await keyRows())
      expect(row.private_jwk_sealed!.startsWith(`${newId}.`)).toBe(true);
    const rotated = await replica({ SIGNING_KEY_SEALING_KEY: newKey });
    expect(await loginKid(rotated)).toBe(kid);
  });

  it('refuses to start, naming the variable, when no listed key opens the signing key', async () => {
    await expect(
      replica({ SIGNING_KEY_SEALING_KEY: randomBytes(32).toString('base64') }),
    ).rejects.toThrow(/SIGNING_KEY_SEALING_KEY/);
  });

  it('refuses to start when the signing keys and reset tokens would be sealed with one key', async () => {
    // Notification holds the reset-token key: it must never open the signing keys too.
    await expect(
      replica({
        SIGNING_KEY_SEALING_KEY: `${TEST_SIGNING_KEY_SEALING_KEY},${TEST_RESET_TOKEN_SEALING_KEY}`,
      }),
    ).rejects.toThrow(
      'SIGNING_KEY_SEALING_KEY and RESET_TOKEN_SEALING_KEY share a key: each secret needs keys of its own',
    );
  });
});

// The typed client (@switchyard/client) against the real platform, as an integrator uses it:
// sign in, place an order with an Idempotency-Key and retry it, page a list, read a problem,
// and get a machine token. Its answers are checked against the published document too.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  createSwitchyardClient,
  SwitchyardProblem,
  type Session,
  type SwitchyardClient,
} from '@switchyard/client';
import { repoRoot, sharedPlatform, type SharedPlatform } from '@switchyard/testing';
import { recordingFetch } from './client.js';

const run = promisify(execFile);
const password = 'a long enough passphrase';
const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const aMug = { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' };

describe('the typed client through the gateway', () => {
  let platform: SharedPlatform;
  let session: Session | undefined;
  let client: SwitchyardClient;
  const clientFor = (options: { token?: string } = {}) =>
    createSwitchyardClient({
      baseUrl: platform.gatewayUrl,
      fetch: recordingFetch(platform.gatewayUrl),
      ...options,
    });

  /** A problem a call threw (fails the test if it returned instead). */
  const problemOf = (call: Promise<unknown>) =>
    call.then(
      () => {
        throw new Error('the call succeeded');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(SwitchyardProblem);
        return error as SwitchyardProblem;
      },
    );

  beforeAll(() => {
    platform = sharedPlatform();
    client = createSwitchyardClient({
      baseUrl: platform.gatewayUrl,
      getToken: () => session?.accessToken,
      fetch: recordingFetch(platform.gatewayUrl),
    });
  });

  async function register(name: string) {
    const email = `typed-${randomUUID()}@example.com`;
    const { data } = await client.POST('/v1/auth/register', { body: { email, password, name } });
    return { email, id: data!.id };
  }

  it('registers and signs in; later calls carry the access token', async () => {
    const { email, id } = await register('Tess');
    session = await client.signIn(email, password);
    expect(session.tokenType).toBe('Bearer');
    const { data: me } = await client.GET('/v1/auth/me');
    expect(me).toMatchObject({ id, email });
  });

  it('places an order once with an Idempotency-Key: the retry gets the same order back', async () => {
    const placed = await client.placeOrder(aMug);
    expect(placed.replayed).toBe(false);
    expect(placed.order).toMatchObject({ status: 'pending_payment', lines: [{ productId: MUG }] });

    const retried = await client.placeOrder(aMug, { idempotencyKey: placed.idempotencyKey });
    expect(retried.replayed).toBe(true);
    expect(retried.order.id).toBe(placed.order.id);
    const { data: mine } = await client.GET('/v1/orders', { params: { query: { limit: 100 } } });
    expect(mine!.items.filter((o) => o.id === placed.order.id)).toHaveLength(1);

    // The same key with another body is refused, typed.
    const refused = await problemOf(
      client.placeOrder(
        { ...aMug, lines: [{ productId: MUG, quantity: 2 }] },
        { idempotencyKey: placed.idempotencyKey },
      ),
    );
    expect(refused).toMatchObject({ status: 422, code: 'UNPROCESSABLE' });
  });

  it('pages through a list with limit and nextCursor, every order once', async () => {
    const { email } = await register('Page');
    const pager = clientFor({ token: (await client.signIn(email, password)).accessToken });
    const placed = [];
    for (let i = 0; i < 3; i++) placed.push((await pager.placeOrder(aMug)).order.id);

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const { data: page } = await pager.GET('/v1/orders', {
        params: { query: { limit: 2, ...(cursor ? { cursor } : {}) } },
      });
      seen.push(...page!.items.map((o) => o.id));
      pageSizes.push(page!.items.length);
      cursor = page!.nextCursor ?? undefined;
    } while (cursor);
    expect(pageSizes).toEqual([2, 1]);
    expect(seen).toEqual([...placed].reverse()); // newest first
  });

  it('throws an error answer as a SwitchyardProblem with its typed fields', async () => {
    const missing = await problemOf(
      client.GET('/v1/orders/{id}', { params: { path: { id: randomUUID() } } }),
    );
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND', title: expect.any(String) });
    expect(missing.type).toMatch(/^https?:\/\//);
    expect(missing.requestId).toEqual(expect.any(String));

    const invalid = await problemOf(
      client.GET('/v1/orders', { params: { query: { limit: 101 } } }),
    );
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(invalid.errors?.[0]?.path).toMatch(/limit/);

    const anonymous = await problemOf(clientFor().GET('/v1/orders'));
    expect(anonymous.status).toBe(401);
  });

  it('gets a machine client a token with clientCredentials', async () => {
    const boss = await register('Boss');
    const auth = platform.processes.find((p) => p.name === 'auth')!;
    await run(process.execPath, ['dist/cli/grant-role.js', boss.email, 'admin'], {
      cwd: auth.cwd,
      env: { ...process.env, DATABASE_URL: auth.database!.url },
    });
    const admin = clientFor({ token: (await client.signIn(boss.email, password)).accessToken });
    const { data: machine } = await admin.POST('/v1/auth/admin/clients', {
      body: { name: `typed-${randomUUID().slice(0, 8)}`, scopes: ['orders:read'] },
    });

    const token = await admin.clientCredentials(machine!.clientId, machine!.clientSecret, {
      scope: 'orders:read',
    });
    expect(token).toMatchObject({ token_type: 'Bearer', scope: 'orders:read' });
    const { data: orders } = await clientFor({ token: token.access_token }).GET('/v1/orders');
    expect(Array.isArray(orders!.items)).toBe(true);

    const refused = await problemOf(admin.clientCredentials(machine!.clientId, 'not the secret'));
    expect(refused).toMatchObject({ status: 401, code: 'invalid_client' });
  });

  it('is generated from the document the gateway serves', async () => {
    const served = (await (await fetch(`${platform.gatewayUrl}/docs/json`)).json()) as {
      paths: Record<string, unknown>;
    };
    // Billing's test clock is on in tests only; the client is made for production.
    delete served.paths['/v1/admin/billing/clock'];
    const committed: unknown = JSON.parse(
      await readFile(path.join(repoRoot(), 'packages/client/openapi.json'), 'utf8'),
    );
    // The client's drift check against the running services: if this fails, a route changed
    // without `pnpm client:generate` (packages/client's own check compares its types with this file).
    expect(served).toEqual(committed);
  });
});

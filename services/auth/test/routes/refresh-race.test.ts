import type { LightMyRequestResponse } from 'fastify';
import { queryDb, waitFor } from '@switchyard/testing';
import { createDb, type Db } from '../../src/db.js';
import { hashToken } from '../../src/tokens/refresh-tokens.js';
import { startAuthService } from '../support.js';
import { password, signUp } from '../support-users.js';

describe('auth service: two uses of one refresh token at once', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  // A second connection pool, standing for "some other transaction" that holds the token's row.
  let locker: Db;
  let email: string;
  beforeAll(async () => {
    service = await startAuthService();
    locker = createDb(service.ctx.databaseUrl);
    ({ email } = await signUp(service.app, service.ctx.databaseUrl));
  });
  afterAll(async () => {
    await locker.$disconnect();
    await service.close();
  });

  const refresh = (refreshToken: string) =>
    service.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });

  const freshRefreshToken = async () => {
    const login = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password },
    });
    expect(login.statusCode).toBe(200);
    return login.json().refreshToken as string;
  };

  /**
   * Of two uses of one token exactly one may succeed; the other is a reuse, so the family goes,
   * the winner's new token with it. Two 200s is the race this file exists to catch.
   */
  async function expectOneWinner(a: LightMyRequestResponse, b: LightMyRequestResponse) {
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 401]);
    const winner = (a.statusCode === 200 ? a : b).json().refreshToken as string;
    expect((await refresh(winner)).statusCode).toBe(401);
  }

  /** Backends of this test database waiting for a lock (row or transaction). */
  const lockWaiters = async () =>
    (
      await queryDb<{ n: number }>(
        service.ctx.databaseUrl,
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      )
    )[0]!.n;

  it('lets exactly one of two uses win when both read the token before either claims it', async () => {
    const token = await freshRefreshToken();
    // Hold the token's row, so both requests read it unused and then queue at the claim: the
    // overlap the race needs, every time, rather than when the scheduler happens to allow it.
    let uses!: Promise<[LightMyRequestResponse, LightMyRequestResponse]>;
    await locker.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM refresh_tokens WHERE token_hash = ${hashToken(token)} FOR UPDATE`;
        uses = Promise.all([refresh(token), refresh(token)]);
        await waitFor(async () => (await lockWaiters()) === 2, {
          intervalMs: 20,
          what: 'both refreshes to wait at the claim',
        });
      },
      { timeout: 60_000 },
    );
    const [a, b] = await uses;
    await expectOneWinner(a, b);
  });

  it('never answers 200 twice for one token, in any round of free-running pairs', async () => {
    for (let round = 0; round < 10; round++) {
      const token = await freshRefreshToken();
      const [a, b] = await Promise.all([refresh(token), refresh(token)]);
      await expectOneWinner(a, b);
    }
  });
});

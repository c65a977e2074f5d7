import { startAuthService } from '../support.js';
import { password, signUp } from '../support-users.js';

describe('auth service: two uses of one refresh token at once', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  beforeAll(async () => {
    service = await startAuthService();
  });
  afterAll(() => service.close());

  const refresh = (refreshToken: string) =>
    service.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });

  it('treats the loser as reuse: the whole family is revoked, the winner’s new token too', async () => {
    const { email } = await signUp(service.app, service.ctx.databaseUrl);
    // Try until the two requests really overlap (one wins, one loses the conditional update).
    for (let round = 0; round < 20; round++) {
      const login = await service.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email, password },
      });
      const token = login.json().refreshToken as string;
      const [a, b] = await Promise.all([refresh(token), refresh(token)]);
      const codes = [a.statusCode, b.statusCode].sort();
      if (codes[0] !== 200 || codes[1] !== 401) continue;
      const winner = (a.statusCode === 200 ? a : b).json().refreshToken as string;
      expect((await refresh(winner)).statusCode).toBe(401);
      return;
    }
    throw new Error('never got two overlapping refreshes');
  });
});

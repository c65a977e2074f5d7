import { Redis } from 'ioredis';
import { startAuthService } from '../support.js';
import { freshEmail, password, signUp } from '../support-users.js';

/**
 * The auth service behind the gateway: every request comes from the gateway's address, and
 * the client's own is in the X-Forwarded-For the gateway sets. Brute-force limits must count
 * per client, and hold under parallel guessing.
 */
describe('auth service: sign-in limits', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys('switchyard:auth:login-*');
    if (keys.length) await redis.del(...keys);
    service = await startAuthService({
      TRUSTED_PROXIES: '127.0.0.1',
      LOGIN_MAX_FAILURES: '5',
      LOGIN_MAX_FAILURES_PER_IP: '8',
    });
  });
  afterAll(async () => {
    await redis.quit();
    await service.close();
  });

  const login = (email: string, pw: string, clientIp: string) =>
    service.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      remoteAddress: '127.0.0.1', // the gateway
      headers: { 'x-forwarded-for': clientIp },
      payload: { email, password: pw },
    });

  it('lets at most the allowed number of 20 parallel wrong guesses reach the password check', async () => {
    const { email } = await signUp(service.app, service.ctx.databaseUrl);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => login(email, `wrong guess ${i}`, '198.51.100.7')),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(15);
  });

  it('counts failures per client behind the gateway: one client locked out does not lock out another', async () => {
    const attacker = '203.0.113.9';
    for (let i = 0; i < 8; i++) {
      const res = await login(freshEmail(), 'wrong guess', attacker);
      expect(res.statusCode).toBe(401);
    }
    expect((await login(freshEmail(), 'wrong guess', attacker)).statusCode).toBe(429);
    const { email } = await signUp(service.app, service.ctx.databaseUrl);
    expect((await login(email, password, '192.0.2.44')).statusCode).toBe(200);
  });

  it('keeps its counts under its own namespace: another deployment on the same Redis is not locked out', async () => {
    const neighbour = await startAuthService({
      TRUSTED_PROXIES: '127.0.0.1',
      LOGIN_MAX_FAILURES_PER_IP: '8',
      LOGIN_THROTTLE_NAMESPACE: `switchyard:test:${Date.now()}:login`,
    });
    try {
      const sharedClient = '198.51.100.77';
      for (let i = 0; i < 9; i++) await login(freshEmail(), 'wrong guess', sharedClient);
      expect((await login(freshEmail(), 'wrong guess', sharedClient)).statusCode).toBe(429);
      const { email } = await signUp(neighbour.app, neighbour.ctx.databaseUrl);
      const res = await neighbour.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': sharedClient },
        payload: { email, password },
      });
      expect(res.statusCode).toBe(200);
    } finally {
      await neighbour.close();
    }
  });

  it('ignores X-Forwarded-For from anyone but a trusted proxy', async () => {
    const spoofer = (ip: string) =>
      service.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: '198.51.100.200', // not the gateway
        headers: { 'x-forwarded-for': ip },
        payload: { email: freshEmail(), password: 'wrong guess' },
      });
    // Changing the claimed address each time does not escape the per-IP budget.
    const codes = [];
    for (let i = 0; i < 10; i++) codes.push((await spoofer(`10.0.0.${i}`)).statusCode);
    expect(codes.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(codes.slice(8)).toEqual([429, 429]);
  });
});

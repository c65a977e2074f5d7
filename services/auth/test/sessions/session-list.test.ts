import { startAuthService } from '../support.js';
import { password, signUp } from '../support-users.js';

/** GET /v1/account/sessions pages as every list does, and is a person's alone. */
describe('the sessions list', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;

  beforeAll(async () => {
    service = await startAuthService();
  });
  afterAll(() => service.close());

  const sessions = (accessToken: string, query = '') =>
    service.app.inject({
      url: `/v1/account/sessions${query}`,
      headers: { authorization: `Bearer ${accessToken}` },
    });

  it('pages with limit and cursor, most recently used first, every session once', async () => {
    const user = await signUp(service.app, service.ctx.databaseUrl);
    for (let i = 0; i < 2; i++) {
      const login = await service.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: user.email, password },
      });
      expect(login.statusCode).toBe(200);
    }
    const first = await sessions(user.accessToken, '?limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toHaveLength(2);
    expect(first.json().nextCursor).toEqual(expect.any(String));
    const second = await sessions(user.accessToken, `?limit=2&cursor=${first.json().nextCursor}`);
    expect(second.json().items).toHaveLength(1);
    expect(second.json().nextCursor).toBeNull();
    const ids = [...first.json().items, ...second.json().items].map((s: { id: string }) => s.id);
    expect(new Set(ids).size).toBe(3);
    const [newest, , oldest] = [...first.json().items, ...second.json().items];
    expect(newest.lastUsedAt >= oldest.lastUsedAt).toBe(true);
  });

  it.each(['?limit=0', '?limit=101', '?cursor=nonsense', '?extra=1'])(
    'answers %s with 400 problem+json',
    async (query) => {
      const user = await signUp(service.app, service.ctx.databaseUrl);
      const res = await sessions(user.accessToken, query);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    },
  );

  it('refuses a machine client, which has no sessions (403, not a server error)', async () => {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const created = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/admin/clients',
      headers: { authorization: `Bearer ${admin.accessToken}` },
      payload: { name: 'warehouse', scopes: ['orders:read'] },
    });
    const { clientId, clientSecret } = created.json();
    const token = await service.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      },
      payload: 'grant_type=client_credentials',
    });
    const res = await sessions(token.json().access_token);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

import { isPublic, routeTable } from '../src/routes/route-table.js';

const routes = routeTable({
  AUTH_SERVICE_URL: 'http://auth',
  ORDER_SERVICE_URL: 'http://order',
  PAYMENT_SERVICE_URL: 'http://payment',
  NOTIFICATION_SERVICE_URL: 'http://notification',
} as never);
const route = (prefix: string) => routes.find((r) => r.prefix === prefix)!;

describe('route table', () => {
  it('routes every public entry point of the auth service, under the strict limit where credentials flow', () => {
    expect(routes.filter((r) => r.service === 'auth').map((r) => r.prefix)).toEqual([
      '/v1/auth',
      '/oauth/token',
      '/.well-known/oauth-authorization-server',
      '/.well-known/jwks.json',
    ]);
    expect(route('/oauth/token').credentialRoutes).toEqual(['POST /oauth/token']);
    expect(route('/v1/auth').credentialRoutes).toContain('POST /v1/auth/login');
    expect(route('/v1/auth').credentialRoutes).not.toContain('GET /v1/auth/me');
  });

  it('keeps public only what must be public', () => {
    expect(isPublic(route('/v1/auth'), 'POST', '/v1/auth/login')).toBe(true);
    expect(isPublic(route('/v1/auth'), 'POST', '/v1/auth/password-reset/confirm')).toBe(true);
    expect(isPublic(route('/v1/auth'), 'GET', '/v1/auth/me')).toBe(false);
    expect(isPublic(route('/v1/auth'), 'GET', '/v1/auth/admin/users')).toBe(false);
    expect(isPublic(route('/v1/products'), 'GET', '/v1/products/x')).toBe(true);
    expect(isPublic(route('/v1/products'), 'POST', '/v1/products')).toBe(false);
    expect(isPublic(route('/v1/orders'), 'GET', '/v1/orders')).toBe(false);
  });
});

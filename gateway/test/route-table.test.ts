import { isPublic, routeTable } from '../src/routes/route-table.js';

const routes = routeTable({
  AUTH_SERVICE_URL: 'http://auth',
  ORDER_SERVICE_URL: 'http://order',
  PAYMENT_SERVICE_URL: 'http://payment',
  NOTIFICATION_SERVICE_URL: 'http://notification',
  BILLING_SERVICE_URL: 'http://billing',
} as never);
const route = (prefix: string) => routes.find((r) => r.prefix === prefix)!;

describe('route table', () => {
  it('routes every public entry point of the auth service, under the strict limit where credentials flow', () => {
    expect(routes.filter((r) => r.service === 'auth').map((r) => r.prefix)).toEqual([
      '/v1/auth',
      '/oauth/token',
      '/.well-known/oauth-authorization-server',
      '/.well-known/jwks.json',
      '/v1/account/profile',
      '/v1/account/email',
      '/v1/account/sessions',
      '/v1/account/deletion',
      '/v1/me/security-events',
      '/v1/admin/audit-events/auth',
      '/v1/admin/messaging/auth',
    ]);
    expect(route('/oauth/token').credentialRoutes).toEqual(['POST /oauth/token']);
    // The account's own actions that take its password.
    expect(route('/v1/account/email').credentialRoutes).toContain('POST /v1/account/email');
    expect(route('/v1/account/deletion').credentialRoutes).toEqual(['POST /v1/account/deletion']);
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

  it('routes the customer profile to auth, always behind a token and never as a credential route', () => {
    const profile = route('/v1/account/profile');
    expect(profile.service).toBe('auth');
    expect(profile.upstream).toBe('http://auth');
    expect(isPublic(profile, 'GET', '/v1/account/profile')).toBe(false);
    expect(isPublic(profile, 'PUT', '/v1/account/profile')).toBe(false);
    expect(profile.credentialRoutes ?? []).toEqual([]);
  });

  it('routes the audit trail’s reads to auth, always behind a token', () => {
    for (const prefix of ['/v1/me/security-events', '/v1/admin/audit-events/auth']) {
      expect(route(prefix).service).toBe('auth');
      expect(isPublic(route(prefix), 'GET', prefix)).toBe(false);
      expect(route(prefix).credentialRoutes ?? []).toEqual([]);
    }
  });

  it('routes each other service’s audit trail to that service, always behind a token', () => {
    for (const service of ['order', 'payment', 'notification', 'billing']) {
      const prefix = `/v1/admin/audit-events/${service}`;
      expect(route(prefix).service).toBe(service);
      expect(route(prefix).upstream).toBe(`http://${service}`);
      expect(isPublic(route(prefix), 'GET', prefix)).toBe(false);
    }
  });

  it('routes every billing path to billing', () => {
    expect(routes.filter((r) => r.service === 'billing').map((r) => r.prefix)).toEqual([
      '/v1/admin/audit-events/billing',
      '/v1/plans',
      '/v1/subscriptions',
      '/v1/invoices',
      '/v1/credit-notes',
      '/v1/admin/plans',
      '/v1/admin/subscriptions',
      '/v1/admin/invoices',
      '/v1/admin/credit-notes',
      '/v1/admin/billing',
      '/v1/admin/dead-letters/billing',
      '/v1/admin/messaging/billing',
    ]);
    expect(new Set(routes.filter((r) => r.service === 'billing').map((r) => r.upstream))).toEqual(
      new Set(['http://billing']),
    );
  });

  it('opens only the plan catalog of billing, and only to reads of a plan or the list', () => {
    const plans = route('/v1/plans');
    expect(isPublic(plans, 'GET', '/v1/plans')).toBe(true);
    expect(isPublic(plans, 'HEAD', '/v1/plans')).toBe(true);
    expect(isPublic(plans, 'GET', '/v1/plans/plan_basic')).toBe(true);
    expect(isPublic(plans, 'GET', '/v1/plans/')).toBe(false);
    expect(isPublic(plans, 'GET', '/v1/plans/plan_basic/subscribers')).toBe(false);
    expect(isPublic(plans, 'POST', '/v1/plans')).toBe(false);
    expect(isPublic(plans, 'PATCH', '/v1/plans/plan_basic')).toBe(false);
    for (const prefix of [
      '/v1/subscriptions',
      '/v1/invoices',
      '/v1/credit-notes',
      '/v1/admin/plans',
      '/v1/admin/billing',
    ])
      expect(isPublic(route(prefix), 'GET', prefix)).toBe(false);
    expect(isPublic(route('/v1/invoices'), 'GET', '/v1/invoices/inv_1.pdf')).toBe(false);
  });
});

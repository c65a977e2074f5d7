import type { GatewayConfig } from '../config.js';

export interface UpstreamRoute {
  /** Public path prefix, forwarded unchanged to the upstream. */
  prefix: string;
  /** The service's name, for logs and error messages. */
  service: string;
  upstream: string;
  /**
   * Routes under the prefix that need no access token: method + path, where the path is exact,
   * ends in `*` (any path starting so), or has `:name` segments (each exactly one segment).
   */
  publicRoutes?: string[];
  /**
   * Routes that take a password, a reset token or a client secret (method + exact path):
   * they share the stricter per-IP limit against guessing, on top of the per-user one.
   */
  credentialRoutes?: string[];
  /**
   * A server-to-server route of the payment provider (POST of exactly `prefix`): proxied on a
   * lean route that pays for none of the customer-facing features — no access token, no
   * per-client rate limit (one global limit per replica instead), no security headers, no
   * CORS, no request log line below warn. The service verifies the signature on every call.
   */
  providerWebhook?: true;
}

/** Which service answers which public path: the one table of the gateway's routing. */
export function routeTable(config: GatewayConfig): UpstreamRoute[] {
  return [
    {
      prefix: '/v1/auth',
      service: 'auth',
      upstream: config.AUTH_SERVICE_URL,
      publicRoutes: [
        'POST /v1/auth/register',
        'POST /v1/auth/login',
        'POST /v1/auth/refresh',
        'POST /v1/auth/logout',
        'POST /v1/auth/password-reset',
        'POST /v1/auth/password-reset/confirm',
      ],
      credentialRoutes: [
        'POST /v1/auth/register',
        'POST /v1/auth/login',
        'POST /v1/auth/refresh',
        'POST /v1/auth/password',
        'POST /v1/auth/password-reset',
        'POST /v1/auth/password-reset/confirm',
      ],
    },
    {
      prefix: '/oauth/token',
      service: 'auth',
      upstream: config.AUTH_SERVICE_URL,
      publicRoutes: ['POST /oauth/token'],
      credentialRoutes: ['POST /oauth/token'],
    },
    {
      prefix: '/.well-known/oauth-authorization-server',
      service: 'auth',
      upstream: config.AUTH_SERVICE_URL,
      publicRoutes: ['GET /.well-known/oauth-authorization-server'],
    },
    {
      prefix: '/.well-known/jwks.json',
      service: 'auth',
      upstream: config.AUTH_SERVICE_URL,
      publicRoutes: ['GET /.well-known/jwks.json'],
    },
    // The signed-in customer's own profile (auth owns accounts); every method needs a token.
    { prefix: '/v1/account/profile', service: 'auth', upstream: config.AUTH_SERVICE_URL },
    // Account self-service (auth): the email address and its verification (the emailed token
    // is the credential of verify, so it needs no access token), sessions, deletion.
    {
      prefix: '/v1/account/email',
      service: 'auth',
      upstream: config.AUTH_SERVICE_URL,
      publicRoutes: ['POST /v1/account/email/verify'],
      credentialRoutes: ['POST /v1/account/email', 'POST /v1/account/email/verify'],
    },
    { prefix: '/v1/account/sessions', service: 'auth', upstream: config.AUTH_SERVICE_URL },
    {
      prefix: '/v1/account/deletion',
      service: 'auth',
      upstream: config.AUTH_SERVICE_URL,
      credentialRoutes: ['POST /v1/account/deletion'],
    },
    // The audit trail (ADR 18): a person's own account's security events, and the admins'
    // search of auth's trail (each service serves its own, as with dead letters).
    { prefix: '/v1/me/security-events', service: 'auth', upstream: config.AUTH_SERVICE_URL },
    { prefix: '/v1/admin/audit-events/auth', service: 'auth', upstream: config.AUTH_SERVICE_URL },
    {
      prefix: '/v1/admin/audit-events/order',
      service: 'order',
      upstream: config.ORDER_SERVICE_URL,
    },
    {
      prefix: '/v1/admin/audit-events/payment',
      service: 'payment',
      upstream: config.PAYMENT_SERVICE_URL,
    },
    {
      prefix: '/v1/admin/audit-events/notification',
      service: 'notification',
      upstream: config.NOTIFICATION_SERVICE_URL,
    },
    {
      prefix: '/v1/admin/audit-events/billing',
      service: 'billing',
      upstream: config.BILLING_SERVICE_URL,
    },
    {
      prefix: '/v1/products',
      service: 'order',
      upstream: config.ORDER_SERVICE_URL,
      publicRoutes: ['GET /v1/products*'],
    },
    { prefix: '/v1/orders', service: 'order', upstream: config.ORDER_SERVICE_URL },
    { prefix: '/v1/admin/orders', service: 'order', upstream: config.ORDER_SERVICE_URL },
    { prefix: '/v1/admin/reports', service: 'order', upstream: config.ORDER_SERVICE_URL },
    { prefix: '/v1/admin/products', service: 'order', upstream: config.ORDER_SERVICE_URL },
    {
      // The payment provider calls this; the HMAC signature is its authentication.
      prefix: '/v1/payments/webhooks/provider',
      service: 'payment',
      upstream: config.PAYMENT_SERVICE_URL,
      publicRoutes: ['POST /v1/payments/webhooks/provider'],
      providerWebhook: true,
    },
    { prefix: '/v1/payments', service: 'payment', upstream: config.PAYMENT_SERVICE_URL },
    { prefix: '/v1/payment-methods', service: 'payment', upstream: config.PAYMENT_SERVICE_URL },
    { prefix: '/v1/admin/payments', service: 'payment', upstream: config.PAYMENT_SERVICE_URL },
    {
      prefix: '/v1/notifications',
      service: 'notification',
      upstream: config.NOTIFICATION_SERVICE_URL,
    },
    { prefix: '/v1/webhooks', service: 'notification', upstream: config.NOTIFICATION_SERVICE_URL },
    // Billing: the plan catalog is public; everything else is a customer's own or an admin's
    // (the service checks the role and, with BILLING_TEST_CLOCK only, serves the clock).
    {
      prefix: '/v1/plans',
      service: 'billing',
      upstream: config.BILLING_SERVICE_URL,
      publicRoutes: ['GET /v1/plans', 'GET /v1/plans/:id'],
    },
    { prefix: '/v1/subscriptions', service: 'billing', upstream: config.BILLING_SERVICE_URL },
    { prefix: '/v1/invoices', service: 'billing', upstream: config.BILLING_SERVICE_URL },
    { prefix: '/v1/credit-notes', service: 'billing', upstream: config.BILLING_SERVICE_URL },
    { prefix: '/v1/admin/plans', service: 'billing', upstream: config.BILLING_SERVICE_URL },
    { prefix: '/v1/admin/subscriptions', service: 'billing', upstream: config.BILLING_SERVICE_URL },
    { prefix: '/v1/admin/invoices', service: 'billing', upstream: config.BILLING_SERVICE_URL },
    { prefix: '/v1/admin/credit-notes', service: 'billing', upstream: config.BILLING_SERVICE_URL },
    { prefix: '/v1/admin/billing', service: 'billing', upstream: config.BILLING_SERVICE_URL },
    // Operators: what each consuming service gave up on, and replay (admins only).
    {
      prefix: '/v1/admin/dead-letters/order',
      service: 'order',
      upstream: config.ORDER_SERVICE_URL,
    },
    {
      prefix: '/v1/admin/dead-letters/payment',
      service: 'payment',
      upstream: config.PAYMENT_SERVICE_URL,
    },
    {
      prefix: '/v1/admin/dead-letters/notification',
      service: 'notification',
      upstream: config.NOTIFICATION_SERVICE_URL,
    },
    {
      prefix: '/v1/admin/dead-letters/billing',
      service: 'billing',
      upstream: config.BILLING_SERVICE_URL,
    },
    // Operators: each service's outbox backlog, consumer lag and dead-letter count (admins only).
    { prefix: '/v1/admin/messaging/auth', service: 'auth', upstream: config.AUTH_SERVICE_URL },
    { prefix: '/v1/admin/messaging/order', service: 'order', upstream: config.ORDER_SERVICE_URL },
    {
      prefix: '/v1/admin/messaging/payment',
      service: 'payment',
      upstream: config.PAYMENT_SERVICE_URL,
    },
    {
      prefix: '/v1/admin/messaging/notification',
      service: 'notification',
      upstream: config.NOTIFICATION_SERVICE_URL,
    },
    {
      prefix: '/v1/admin/messaging/billing',
      service: 'billing',
      upstream: config.BILLING_SERVICE_URL,
    },
    // Every integrator's webhook endpoints and deliveries, and redelivery (admins only).
    {
      prefix: '/v1/admin/webhooks',
      service: 'notification',
      upstream: config.NOTIFICATION_SERVICE_URL,
    },
  ];
}

/** Does `path` fit `pattern`, segment by segment, a `:name` segment standing for any one? */
function fitsSegments(pattern: string, path: string): boolean {
  const expected = pattern.split('/');
  const actual = path.split('/');
  return (
    expected.length === actual.length &&
    expected.every((segment, i) =>
      segment.startsWith(':') ? actual[i] !== '' : segment === actual[i],
    )
  );
}

/**
 * Does `method path` match one of `entries` ("METHOD /exact/path", "METHOD /prefix*" or
 * "METHOD /path/:param")?
 */
export function matchesRouteList(
  entries: string[] | undefined,
  method: string,
  path: string,
): boolean {
  const effectiveMethod = method === 'HEAD' ? 'GET' : method;
  return (entries ?? []).some((entry) => {
    const [m, p] = entry.split(' ') as [string, string];
    if (m !== effectiveMethod) return false;
    if (p.endsWith('*')) return path.startsWith(p.slice(0, -1));
    return p.includes('/:') ? fitsSegments(p, path) : path === p;
  });
}

/** Does `method path` match one of the route's public entries? */
export const isPublic = (route: UpstreamRoute, method: string, path: string) =>
  matchesRouteList(route.publicRoutes, method, path);

/** Does `method path` take a credential (the stricter per-IP limit applies)? */
export const isCredentialRoute = (route: UpstreamRoute, method: string, path: string) =>
  matchesRouteList(route.credentialRoutes, method, path);

import { mergeOpenApi, type OpenApiDocument } from '../src/api-docs/merge-openapi.js';
import { routeTable } from '../src/routes/route-table.js';

const routes = routeTable({
  AUTH_SERVICE_URL: 'http://auth',
  ORDER_SERVICE_URL: 'http://order',
  PAYMENT_SERVICE_URL: 'http://payment',
  NOTIFICATION_SERVICE_URL: 'http://notification',
  BILLING_SERVICE_URL: 'http://billing',
} as never);

const operation = { responses: { 200: { description: 'OK' } } };
const documentOf = (paths: string[], schema: string): OpenApiDocument => ({
  openapi: '3.1.0',
  paths: Object.fromEntries(paths.map((path) => [path, { get: operation }])),
  components: { schemas: { [schema]: { type: 'object' } } },
  tags: [{ name: schema }],
});

describe('mergeOpenApi', () => {
  const auth = { service: 'auth', document: documentOf(['/v1/auth/me'], 'Auth') };
  const order = { service: 'order', document: documentOf(['/v1/orders'], 'Order') };
  const billing = { service: 'billing', document: documentOf(['/v1/plans'], 'Plan') };

  it("merges in the route table's order, whatever order the services answered in", () => {
    // The gateway fetches the documents concurrently: the first to answer must not come first,
    // or the published document (and the client generated from it) changes from run to run.
    const merged = mergeOpenApi([billing, order, auth], routes);
    expect(JSON.stringify(merged)).toBe(
      JSON.stringify(mergeOpenApi([auth, order, billing], routes)),
    );
    expect(Object.keys(merged.paths ?? {})).toEqual([
      '/v1/auth/me',
      '/v1/orders',
      '/v1/plans',
      '/v1/account/export', // the gateway's own
    ]);
    expect(merged.tags?.map((t) => t.name)).toEqual(['Auth', 'Order', 'Plan']);
  });

  it('keeps only the paths the gateway routes to the service that documents them', () => {
    const merged = mergeOpenApi(
      [{ service: 'order', document: documentOf(['/v1/orders', '/internal/stock'], 'Order') }],
      routes,
    );
    expect(Object.keys(merged.paths ?? {})).toEqual(['/v1/orders', '/v1/account/export']);
  });

  it("documents the gateway's own operation, the account export, with the gateway's answers", () => {
    const exportOperation = mergeOpenApi([], routes).paths?.['/v1/account/export']?.get as {
      operationId: string;
      security: unknown;
      responses: Record<string, unknown>;
    };
    expect(exportOperation.operationId).toBe('exportAccount');
    expect(exportOperation.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(exportOperation.responses)).toEqual(
      expect.arrayContaining(['200', '401', '429', '503']),
    );
  });
});

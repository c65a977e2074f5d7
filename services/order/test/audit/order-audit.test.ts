// The order service's audit trail on a real database: catalog and stock changes and fulfilment
// each leave an entry (who, what, before and after), an action whose commit fails leaves none,
// admins search it, and the verify-audit-chain command names a tampered entry.
import { randomUUID } from 'node:crypto';
import {
  auditEntries,
  queryDb,
  verifyBeforeAndAfterTampering,
  withFailingCommits,
} from '@switchyard/testing';
import { serviceDir, startOrderService } from '../support.js';

describe('order audit trail', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  let admin: string;
  const adminId = randomUUID();
  beforeAll(async () => {
    service = await startOrderService();
    admin = `Bearer ${await service.ctx.jwks.sign({ userId: adminId, roles: ['admin'] })}`;
  });
  afterAll(() => service.close());

  const call = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) =>
    service.app.inject({ method, url, headers: { authorization: admin }, payload });
  const entries = (action?: string) => auditEntries(service.ctx.databaseUrl, action);

  async function createProduct() {
    const created = await call('POST', '/v1/products', {
      sku: `AUD-${randomUUID().slice(0, 8).toUpperCase()}`,
      name: 'Audited lamp',
      price: { amount: 2500, currency: 'EUR' },
      stock: 10,
    });
    expect(created.statusCode).toBe(201);
    return created.json() as { id: string; sku: string };
  }

  it('records a product created and changed (stock and price), with before and after', async () => {
    const product = await createProduct();
    const updated = await call('PATCH', `/v1/products/${product.id}`, {
      stock: 4,
      price: { amount: 2700, currency: 'EUR' },
    });
    expect(updated.statusCode).toBe(200);

    const [created] = (await entries('product.created')).filter((e) => e.target_id === product.id);
    expect(created).toMatchObject({
      actor_type: 'admin',
      actor_id: adminId,
      target_type: 'product',
      changes: {
        sku: { before: null, after: product.sku },
        stock: { before: null, after: 10 },
        price: { before: null, after: { amount: 2500, currency: 'EUR' } },
      },
    });
    const [changed] = (await entries('product.updated')).filter((e) => e.target_id === product.id);
    expect(changed).toMatchObject({
      actor_type: 'admin',
      actor_id: adminId,
      changes: {
        stock: { before: 10, after: 4 },
        price: {
          before: { amount: 2500, currency: 'EUR' },
          after: { amount: 2700, currency: 'EUR' },
        },
      },
      details: { stockDelta: -6 },
      request_id: updated.headers['x-request-id'] ?? expect.any(String),
    });
    // Only what changed.
    expect(Object.keys(changed!.changes!).sort()).toEqual(['price', 'stock']);

    // Admins find it by target through the service's audit route; customers may not look.
    const found = await call('GET', `/v1/admin/audit-events/order?targetId=${product.id}`);
    expect(found.statusCode).toBe(200);
    expect(found.json().items.map((e: { action: string }) => e.action)).toEqual([
      'product.updated',
      'product.created',
    ]);
    const customer = `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID() })}`;
    const refused = await service.app.inject({
      url: '/v1/admin/audit-events/order',
      headers: { authorization: customer },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('records an order fulfilled', async () => {
    const orderId = randomUUID();
    const userId = randomUUID();
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO orders (id, user_id, status, total_minor, currency, payment_method, created_at, updated_at)
       VALUES ($1, $2, 'paid', 1250, 'EUR', 'pm_card_visa', now(), now())`,
      [orderId, userId],
    );
    const fulfilled = await call('POST', `/v1/admin/orders/${orderId}/fulfil`);
    expect(fulfilled.statusCode).toBe(200);
    const recorded = (await entries('order.fulfilled')).filter((e) => e.target_id === orderId);
    expect(recorded).toEqual([
      expect.objectContaining({
        actor_type: 'admin',
        actor_id: adminId,
        target_type: 'order',
        changes: { status: { before: 'paid', after: 'fulfilled' } },
        details: { customerId: userId },
      }),
    ]);
    // A second fulfilment is refused and records nothing.
    expect((await call('POST', `/v1/admin/orders/${orderId}/fulfil`)).statusCode).toBe(409);
    expect((await entries('order.fulfilled')).filter((e) => e.target_id === orderId)).toHaveLength(
      1,
    );
  });

  it('records nothing for a change whose transaction rolls back', async () => {
    const product = await createProduct();
    const before = await entries();
    const failed = await withFailingCommits(service.ctx.databaseUrl, 'products', () =>
      call('PATCH', `/v1/products/${product.id}`, { stock: 99, name: 'Never' }),
    );
    expect(failed.statusCode).toBe(500);
    expect(await entries()).toEqual(before);
    const [row] = await queryDb<{ stock: number }>(
      service.ctx.databaseUrl,
      'SELECT stock FROM products WHERE id = $1',
      [product.id],
    );
    expect(row!.stock).toBe(10);
  });

  it('verify-audit-chain says the chain holds, names an entry altered, and holds again once it is put back', async () => {
    const { intact, broken, restored, tamperedId } = await verifyBeforeAndAfterTampering(
      serviceDir,
      service.ctx.databaseUrl,
      { stream: 'order', seq: 2 },
    );
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(/^order: intact, \d+ entries from the start/m);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(
      `order: BROKEN at seq 2 (entry ${tamperedId}): its content was altered`,
    );
    expect(restored.code).toBe(0);
  });
});

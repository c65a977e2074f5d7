import { randomUUID } from 'node:crypto';
import { LANTERN, MUG, startOrderService, stockOf } from '../support.js';

/**
 * Placement and cancellation both lock product rows. If they locked them in different orders
 * (placement sorted, cancellation in the order's line order), two of them at once could
 * deadlock and one would fail with a 500.
 */
describe('placing and cancelling orders for the same products at once', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  let token: string;
  beforeAll(async () => {
    service = await startOrderService();
    token = await service.ctx.jwks.sign({ userId: randomUUID() });
  });
  afterAll(() => service.close());

  const place = (productIds: string[]) =>
    service.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        lines: productIds.map((productId) => ({ productId, quantity: 1 })),
        paymentMethod: 'pm_card_visa',
      },
    });
  const cancel = (id: string) =>
    service.app.inject({
      method: 'POST',
      url: `/v1/orders/${id}/cancel`,
      headers: { authorization: `Bearer ${token}` },
    });

  it('never deadlocks: every request succeeds and stock adds up', async () => {
    const before = {
      mug: await stockOf(service.ctx.databaseUrl, MUG),
      lantern: await stockOf(service.ctx.databaseUrl, LANTERN),
    };
    // Orders whose lines list the products in the opposite of sorted order.
    const toCancel = [];
    for (let i = 0; i < 15; i++) {
      const res = await place([LANTERN, MUG]);
      expect(res.statusCode).toBe(201);
      toCancel.push(res.json().id as string);
    }
    const statuses = await Promise.all(
      toCancel
        .flatMap((id) => [cancel(id), place([MUG, LANTERN]), place([LANTERN, MUG])])
        .map(async (r) => (await r).statusCode),
    );
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const placedAfter = statuses.filter((s) => s === 201).length;
    expect(await stockOf(service.ctx.databaseUrl, MUG)).toBe(before.mug - placedAfter);
    expect(await stockOf(service.ctx.databaseUrl, LANTERN)).toBe(before.lantern - placedAfter);
  });
});

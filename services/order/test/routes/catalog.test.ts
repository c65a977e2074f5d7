import { randomUUID } from 'node:crypto';
import { queryDb } from '@switchyard/testing';
import { MUG, startOrderService } from '../support.js';

describe('catalog', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  beforeAll(async () => {
    service = await startOrderService();
  });
  afterAll(() => service.close());

  const as = async (roles: string[]) => ({
    authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID(), roles })}`,
  });
  const admin = () => as(['customer', 'admin']);

  it('lists active products publicly, in pages with a cursor', async () => {
    const first = await service.app.inject({ url: '/v1/products?limit=2' });
    expect(first.statusCode).toBe(200);
    expect(first.json().items).toHaveLength(2);
    const seen = new Set<string>(first.json().items.map((p: { id: string }) => p.id));
    let cursor = first.json().nextCursor;
    while (cursor) {
      const page = await service.app.inject({ url: `/v1/products?limit=2&cursor=${cursor}` });
      for (const p of page.json().items) {
        expect(seen.has(p.id)).toBe(false);
        seen.add(p.id);
      }
      cursor = page.json().nextCursor;
    }
    expect(seen.size).toBeGreaterThanOrEqual(5);
    expect((await service.app.inject({ url: '/v1/products?limit=500' })).statusCode).toBe(400);
  });

  it('lets admins create products, and refuses customers, anonymous callers and bad input', async () => {
    const sku = `NEW-${Date.now()}`;
    const body = { sku, name: 'Signal lamp', price: { amount: 4500, currency: 'EUR' }, stock: 7 };
    const created = await service.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: await admin(),
      payload: body,
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      sku,
      price: { amount: 4500, currency: 'EUR' },
      stock: 7,
      active: true,
    });
    expect(
      (await service.app.inject({ url: `/v1/products/${created.json().id}` })).json().name,
    ).toBe('Signal lamp');

    expect(
      (
        await service.app.inject({
          method: 'POST',
          url: '/v1/products',
          headers: await admin(),
          payload: body,
        })
      ).statusCode,
    ).toBe(409);
    expect(
      (
        await service.app.inject({
          method: 'POST',
          url: '/v1/products',
          headers: await as(['customer']),
          payload: { ...body, sku: 'X-1' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await service.app.inject({
          method: 'POST',
          url: '/v1/products',
          payload: { ...body, sku: 'X-2' },
        })
      ).statusCode,
    ).toBe(401);
    const floatPrice = await service.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: await admin(),
      payload: { ...body, sku: 'X-3', price: { amount: 12.5, currency: 'EUR' } },
    });
    expect(floatPrice.statusCode).toBe(400);
  });

  it('files products in a category that admins set, change and clear', async () => {
    // The demo catalog comes with its categories.
    expect((await service.app.inject({ url: `/v1/products/${MUG}` })).json().category).toBe(
      'kitchen',
    );
    const created = await service.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: await admin(),
      payload: {
        sku: `CAT-${Date.now()}`,
        name: 'Tea towel',
        price: { amount: 900, currency: 'EUR' },
        stock: 12,
        category: 'kitchen',
      },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().category).toBe('kitchen');
    const url = `/v1/products/${created.json().id}`;
    const [row] = await queryDb<{ category: string | null }>(
      service.ctx.databaseUrl,
      'SELECT category FROM products WHERE id = $1',
      [created.json().id],
    );
    expect(row!.category).toBe('kitchen');

    const moved = await service.app.inject({
      method: 'PATCH',
      url,
      headers: await admin(),
      payload: { category: 'home-textiles' },
    });
    expect(moved.statusCode).toBe(200);
    expect((await service.app.inject({ url })).json().category).toBe('home-textiles');
    const cleared = await service.app.inject({
      method: 'PATCH',
      url,
      headers: await admin(),
      payload: { category: null },
    });
    expect(cleared.json().category).toBeNull();
    expect((await service.app.inject({ url })).json().category).toBeNull();

    // A product made before categories existed has none.
    const plain = await service.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: await admin(),
      payload: {
        sku: `PLAIN-${Date.now()}`,
        name: 'Plain',
        price: { amount: 100, currency: 'EUR' },
        stock: 1,
      },
    });
    expect(plain.json().category).toBeNull();

    for (const category of ['Kitchen', 'home textiles', '-kitchen', 'a'.repeat(51), '', 7]) {
      const refused = await service.app.inject({
        method: 'PATCH',
        url,
        headers: await admin(),
        payload: { category },
      });
      expect({ category, status: refused.statusCode }).toEqual({ category, status: 400 });
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('serves reads from the cache, and shows an admin price change at once', async () => {
    const url = `/v1/products/${MUG}`;
    const before = (await service.app.inject({ url })).json().price.amount;
    // A change behind the service's back is not seen: the answer comes from Redis.
    await queryDb(service.ctx.databaseUrl, 'UPDATE products SET name = $1 WHERE id = $2', [
      'renamed in SQL',
      MUG,
    ]);
    expect((await service.app.inject({ url })).json().name).not.toBe('renamed in SQL');

    const patched = await service.app.inject({
      method: 'PATCH',
      url,
      headers: await admin(),
      payload: { price: { amount: before + 100, currency: 'EUR' } },
    });
    expect(patched.statusCode).toBe(200);
    expect((await service.app.inject({ url })).json().price.amount).toBe(before + 100);
    const listed = (await service.app.inject({ url: '/v1/products' }))
      .json()
      .items.find((p: { id: string }) => p.id === MUG);
    expect(listed.price.amount).toBe(before + 100);
  });

  it('prices new orders at the new price; placed orders keep theirs', async () => {
    const userId = randomUUID();
    const headers = { authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}` };
    const order = (
      await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers,
        payload: { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      })
    ).json();
    await service.app.inject({
      method: 'PATCH',
      url: `/v1/products/${MUG}`,
      headers: await admin(),
      payload: { price: { amount: 9999, currency: 'EUR' } },
    });
    const again = (await service.app.inject({ url: `/v1/orders/${order.id}`, headers })).json();
    expect(again.total).toEqual(order.total);
    const next = (
      await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers,
        payload: { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      })
    ).json();
    expect(next.total.amount).toBe(9999);
  });

  it('hides a deactivated product from the catalog and refuses to sell it', async () => {
    const sku = `OFF-${Date.now()}`;
    const created = (
      await service.app.inject({
        method: 'POST',
        url: '/v1/products',
        headers: await admin(),
        payload: { sku, name: 'Old stock', price: { amount: 100, currency: 'EUR' }, stock: 3 },
      })
    ).json();
    await service.app.inject({
      method: 'PATCH',
      url: `/v1/products/${created.id}`,
      headers: await admin(),
      payload: { active: false },
    });
    expect((await service.app.inject({ url: `/v1/products/${created.id}` })).statusCode).toBe(404);
    const headers = {
      authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID() })}`,
    };
    const order = await service.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers,
      payload: { lines: [{ productId: created.id, quantity: 1 }], paymentMethod: 'pm_card_visa' },
    });
    expect(order.statusCode).toBe(422);
  });
});

// Catalog search through the gateway, as a shop's client sends it: a misspelt query with a
// filter, facets, and paging by price. Every answer is checked against the published OpenAPI
// document after the file (openapi-conformance.setup.ts), so the new parameters and fields must
// be in it. The demo catalog is what the platform starts with.
import { sharedPlatform, type SharedPlatform } from '@switchyard/testing';
import { apiClient } from './client.js';

const LANTERN = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0003';

describe('searching the catalog through the gateway', () => {
  let platform: SharedPlatform;
  let api: ReturnType<typeof apiClient>;

  beforeAll(() => {
    platform = sharedPlatform();
    api = apiClient(platform.gatewayUrl);
  });

  it('finds the lantern through a typo, filtered to a category and a price range', async () => {
    const found = await api.get(
      '/v1/products?q=lantren&category=lighting&minPrice=1000&maxPrice=10000&currency=EUR&inStock=true&facets=category',
    );
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({
        id: LANTERN,
        name: 'Brass lantern',
        category: 'lighting',
        price: { amount: 8900, currency: 'EUR' },
      }),
    ]);
    expect(found.body.facets).toEqual({ category: [{ value: 'lighting', count: 1 }] });
    expect(found.body.nextCursor).toBeNull();

    const elsewhere = await api.get('/v1/products?q=lantren&category=kitchen');
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.items).toEqual([]);
  });

  it('pages the catalog by price and refuses an impossible range', async () => {
    const first = await api.get('/v1/products?sort=price_desc&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((p: { sku: string }) => p.sku)).toEqual(['LAMP-001', 'TEE-001']);
    const next = await api.get(
      `/v1/products?sort=price_desc&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(next.body.items.map((p: { sku: string }) => p.sku)).toEqual(['BOOK-001', 'MAP-001']);

    const refused = await api.get('/v1/products?minPrice=5000&maxPrice=1000&currency=EUR');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

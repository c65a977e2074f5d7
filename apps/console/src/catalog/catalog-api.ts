import { api } from '../api/api-client';

// Every call the catalog screens make, on the public API through the typed client.

export const PRODUCTS_PER_PAGE = 50;

/** One page of the catalog, by SKU. (The API lists active products only.) */
export async function listProducts(cursor?: string) {
  const { data } = await api.GET('/v1/products', {
    params: { query: { limit: PRODUCTS_PER_PAGE, ...(cursor ? { cursor } : {}) } },
  });
  return data!;
}

export type Product = Awaited<ReturnType<typeof listProducts>>['items'][number];

export async function getProduct(id: string) {
  const { data } = await api.GET('/v1/products/{id}', { params: { path: { id } } });
  return data!;
}

export type NewProduct = Pick<Product, 'sku' | 'name' | 'price' | 'stock'>;
export type ProductChanges = Partial<Pick<Product, 'name' | 'price' | 'stock'>>;

export async function createProduct(product: NewProduct) {
  const { data } = await api.POST('/v1/products', { body: product });
  return data!;
}

export async function updateProduct(id: string, changes: ProductChanges) {
  const { data } = await api.PATCH('/v1/products/{id}', {
    params: { path: { id } },
    body: changes,
  });
  return data!;
}

import { randomUUID } from 'node:crypto';
import { AppError, keysetPage } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { Prisma, type Product } from '../generated/prisma/client.js';
import { recordStockMovement } from './stock-movements.js';

export interface ProductView {
  id: string;
  sku: string;
  name: string;
  price: { amount: number; currency: string };
  stock: number;
  active: boolean;
}

export const toProductView = (p: Product): ProductView => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  price: { amount: p.priceMinor, currency: p.currency },
  stock: p.stock,
  active: p.active,
});

const SKU = /^[A-Z0-9][A-Z0-9-]{1,39}$/;

/** The SKU a catalog cursor holds; anything that is not one of ours is a 400. */
function skuOfCursor(cursor: string): string {
  const sku = /^[A-Za-z0-9_-]{1,80}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString()
    : '';
  if (!SKU.test(sku)) throw new AppError('VALIDATION_FAILED', 'cursor is not valid');
  return sku;
}

/** Active products in SKU order, `limit` at a time after the cursor (the last SKU seen). */
export async function listActiveProducts(
  db: Db,
  options: { limit: number; cursor?: string },
): Promise<{ items: ProductView[]; nextCursor: string | null }> {
  const after = options.cursor ? skuOfCursor(options.cursor) : undefined;
  const rows = await db.product.findMany({
    where: { active: true, ...(after ? { sku: { gt: after } } : {}) },
    orderBy: { sku: 'asc' },
    take: options.limit + 1,
  });
  const { items, nextCursor } = keysetPage(rows, options.limit, (last) =>
    Buffer.from(last.sku).toString('base64url'),
  );
  return { items: items.map(toProductView), nextCursor };
}

export interface ProductInput {
  sku: string;
  name: string;
  price: { amount: number; currency: string };
  stock: number;
  active?: boolean;
}

const duplicateSku = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export async function createProduct(db: Db, input: ProductInput): Promise<ProductView> {
  try {
    const product = await db.$transaction(async (tx) => {
      const created = await tx.product.create({
        data: {
          id: randomUUID(),
          sku: input.sku,
          name: input.name,
          priceMinor: input.price.amount,
          currency: input.price.currency,
          stock: input.stock,
          active: input.active ?? true,
        },
      });
      await recordStockMovement(tx, {
        productId: created.id,
        delta: input.stock,
        reason: 'initial',
      });
      return created;
    });
    return toProductView(product);
  } catch (error) {
    if (duplicateSku(error))
      throw new AppError('CONFLICT', `a product with SKU ${input.sku} exists`);
    throw error;
  }
}

/** Change a product; orders already placed keep the price they were placed at. */
export async function updateProduct(
  db: Db,
  id: string,
  changes: Partial<Omit<ProductInput, 'sku'>>,
): Promise<ProductView | null> {
  const data = {
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.price
      ? { priceMinor: changes.price.amount, currency: changes.price.currency }
      : {}),
    ...(changes.stock !== undefined ? { stock: changes.stock } : {}),
    ...(changes.active !== undefined ? { active: changes.active } : {}),
  };
  return db.$transaction(async (tx) => {
    // Locked, so the adjustment recorded is exactly the difference this update makes.
    const [current] = await tx.$queryRaw<
      { stock: number }[]
    >`SELECT stock FROM products WHERE id = ${id}::uuid FOR UPDATE`;
    if (!current) return null;
    const product = await tx.product.update({ where: { id }, data });
    await recordStockMovement(tx, {
      productId: id,
      delta: product.stock - current.stock,
      reason: 'adjustment',
    });
    return toProductView(product);
  });
}

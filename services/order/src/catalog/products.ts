import { randomUUID } from 'node:crypto';
import { AppError } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { Prisma, type Product } from '../generated/prisma/client.js';
import type { CreateProductBody, ProductView, UpdateProductBody } from '../schemas/product.js';
import { recordStockMovement } from './stock-movements.js';

export const toProductView = (p: Product): ProductView => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  price: { amount: p.priceMinor, currency: p.currency },
  stock: p.stock,
  active: p.active,
  category: p.category,
});

const duplicateSku = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export async function createProduct(db: Db, input: CreateProductBody): Promise<ProductView> {
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
          category: input.category ?? null,
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
  changes: UpdateProductBody,
): Promise<ProductView | null> {
  const data = {
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.price
      ? { priceMinor: changes.price.amount, currency: changes.price.currency }
      : {}),
    ...(changes.stock !== undefined ? { stock: changes.stock } : {}),
    ...(changes.active !== undefined ? { active: changes.active } : {}),
    ...(changes.category !== undefined ? { category: changes.category } : {}),
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

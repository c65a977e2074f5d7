import { randomUUID } from 'node:crypto';
import { changedFields, type AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { productTarget, recordOrderEvent } from '../audit/record-order-event.js';
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

/** What the trail shows of a product: every field an admin can set. */
const AUDITED_FIELDS: (keyof ProductView)[] = [
  'sku',
  'name',
  'price',
  'stock',
  'active',
  'category',
];

const duplicateSku = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** An admin adds a product; recorded in the trail (`product.created`) with the product. */
export async function createProduct(
  db: Db,
  input: CreateProductBody,
  by: AuditContext,
): Promise<ProductView> {
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
      const view = toProductView(created);
      await recordOrderEvent(tx, by, {
        action: 'product.created',
        target: productTarget(created.id),
        changes: changedFields(null, view, AUDITED_FIELDS),
      });
      return view;
    });
    return product;
  } catch (error) {
    if (duplicateSku(error))
      throw new AppError('CONFLICT', `a product with SKU ${input.sku} exists`);
    throw error;
  }
}

/**
 * An admin changes a product (its stock too, or deactivates it); orders already placed keep
 * the price they were placed at. Recorded in the trail (`product.updated`) with before and
 * after of each field that changed, and the stock's delta.
 */
export async function updateProduct(
  db: Db,
  id: string,
  changes: UpdateProductBody,
  by: AuditContext,
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
    const [locked] = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM products WHERE id = ${id}::uuid FOR UPDATE`;
    if (!locked) return null;
    const before = toProductView(await tx.product.findUniqueOrThrow({ where: { id } }));
    const after = toProductView(await tx.product.update({ where: { id }, data }));
    const stockDelta = after.stock - before.stock;
    await recordStockMovement(tx, { productId: id, delta: stockDelta, reason: 'adjustment' });
    await recordOrderEvent(tx, by, {
      action: 'product.updated',
      target: productTarget(id),
      changes: changedFields(before, after, AUDITED_FIELDS),
      details: stockDelta ? { stockDelta } : null,
    });
    return after;
  });
}

import { randomUUID } from 'node:crypto';
import { changedFields, type AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { recordBillingEvent } from '../audit/record-billing-event.js';
import type { Db } from '../db.js';
import { Prisma, type Plan } from '../generated/prisma/client.js';
import type { CreatePlanBody, UpdatePlanBody } from '../schemas/billing.js';

/** What a price list's change is judged by: every field a customer pays or sees. */
const AUDITED_FIELDS: (keyof Plan & string)[] = [
  'code',
  'name',
  'priceMinor',
  'currency',
  'interval',
  'intervalCount',
  'trialDays',
  'taxCategory',
  'active',
];

const planTarget = (id: string) => ({ type: 'plan', id });

/** Add a plan to the catalog, audited in the same transaction; a taken code is a 409. */
export async function createPlan(
  db: Db,
  body: CreatePlanBody & { taxCategory: string },
  by: AuditContext,
): Promise<Plan> {
  try {
    return await db.$transaction(async (tx) => {
      const plan = await tx.plan.create({
        data: {
          id: randomUUID(),
          code: body.code,
          name: body.name,
          priceMinor: body.price.amount,
          currency: body.price.currency,
          interval: body.interval,
          intervalCount: body.intervalCount ?? 1,
          trialDays: body.trialDays ?? 0,
          taxCategory: body.taxCategory,
        },
      });
      await recordBillingEvent(tx, by, {
        action: 'plan.created',
        target: planTarget(plan.id),
        changes: changedFields(null, plan, AUDITED_FIELDS),
      });
      return plan;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new AppError('CONFLICT', `A plan with code ${body.code} exists`);
    }
    throw error;
  }
}

/**
 * Rename, reprice (new subscriptions only) or retire a plan, audited with before and after in
 * the same transaction (the row is locked, so the before is the one replaced); null: no plan.
 */
export async function updatePlan(
  db: Db,
  id: string,
  body: UpdatePlanBody,
  by: AuditContext,
): Promise<Plan | null> {
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM plans WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    const before = await tx.plan.findUniqueOrThrow({ where: { id } });
    const { name, price, trialDays, active } = body;
    const after = await tx.plan.update({
      where: { id },
      data: {
        ...(name !== undefined ? { name } : {}),
        ...(price !== undefined ? { priceMinor: price.amount, currency: price.currency } : {}),
        ...(trialDays !== undefined ? { trialDays } : {}),
        ...(active !== undefined ? { active } : {}),
        updatedAt: new Date(),
      },
    });
    const changes = changedFields(before, after, AUDITED_FIELDS);
    if (Object.keys(changes).length > 0) {
      await recordBillingEvent(tx, by, {
        action: after.active === before.active || after.active ? 'plan.updated' : 'plan.retired',
        target: planTarget(id),
        changes,
      });
    }
    return after;
  });
}

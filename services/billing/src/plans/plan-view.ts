import type { Plan } from '../generated/prisma/client.js';
import type { PlanView } from '../schemas/billing.js';

export const planView = (plan: Plan): PlanView => ({
  id: plan.id,
  code: plan.code,
  name: plan.name,
  price: { amount: plan.priceMinor, currency: plan.currency },
  interval: plan.interval as PlanView['interval'],
  intervalCount: plan.intervalCount,
  trialDays: plan.trialDays,
  taxCategory: plan.taxCategory,
  active: plan.active,
  createdAt: plan.createdAt.toISOString(),
  updatedAt: plan.updatedAt.toISOString(),
});

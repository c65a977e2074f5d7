import { Type, type Static } from '@sinclair/typebox';
import { Money, Price } from '@switchyard/contracts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Uuid });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Retry-safe key: the same key and body return the first response',
    }),
  ),
});

const PaymentMethod = Type.String({
  pattern: '^pm_[A-Za-z0-9_]{1,60}$',
  description: 'A saved payment method’s id (see /v1/payment-methods)',
});

const IntervalUnit = Type.Union([Type.Literal('month'), Type.Literal('year')]);

export const PlanView = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  price: Money,
  interval: IntervalUnit,
  intervalCount: Type.Integer(),
  trialDays: Type.Integer(),
  taxCategory: Type.String(),
  active: Type.Boolean(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type PlanView = Static<typeof PlanView>;

export const PlanList = Type.Object({
  items: Type.Array(PlanView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export const PlanListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CreatePlanBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    price: Type.Object(
      {
        amount: Type.Integer({ minimum: 1, maximum: Price.properties.amount.maximum }),
        currency: Type.String({ pattern: '^[A-Z]{3}$' }),
      },
      { additionalProperties: false },
    ),
    interval: IntervalUnit,
    // Optional in the document (the server fills the defaults), so a client may leave them out.
    intervalCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, default: 1 })),
    trialDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 730, default: 0 })),
    taxCategory: Type.Optional(
      Type.String({ pattern: '^[a-z][a-z_]{0,30}$', default: 'standard' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        code: 'pro-monthly',
        name: 'Pro, monthly',
        price: { amount: 1900, currency: 'EUR' },
        interval: 'month',
        intervalCount: 1,
        trialDays: 14,
        taxCategory: 'standard',
      },
    ],
  },
);
export type CreatePlanBody = Static<typeof CreatePlanBody>;

export const UpdatePlanBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    price: Type.Optional(CreatePlanBody.properties.price),
    trialDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 730 })),
    active: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ price: { amount: 2100, currency: 'EUR' } }, { active: false }],
  },
);
export type UpdatePlanBody = Static<typeof UpdatePlanBody>;

export const SubscribeBody = Type.Object(
  { planId: Uuid, paymentMethod: PaymentMethod },
  {
    additionalProperties: false,
    examples: [{ planId: '5f0c8a3e-0000-4000-8000-000000000001', paymentMethod: 'pm_1NxSaved' }],
  },
);

export const UpdateSubscriptionBody = Type.Object(
  { paymentMethod: PaymentMethod },
  { additionalProperties: false, examples: [{ paymentMethod: 'pm_1NxNewCard' }] },
);

export const CancelBody = Type.Object(
  {
    when: Type.Union([Type.Literal('period_end'), Type.Literal('now')], {
      description: '`period_end` keeps it to the end of the paid period; `now` credits the rest',
    }),
  },
  { additionalProperties: false, examples: [{ when: 'period_end' }] },
);

export const ChangePlanBody = Type.Object(
  { planId: Uuid },
  { additionalProperties: false, examples: [{ planId: '5f0c8a3e-0000-4000-8000-000000000002' }] },
);

const Status = Type.Union(
  ['incomplete', 'trialing', 'active', 'past_due', 'canceled'].map((s) => Type.Literal(s)),
);

export const SubscriptionView = Type.Object({
  id: Type.String(),
  status: Status,
  plan: Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }),
  /** The price this subscription renews at (a plan's later price change does not touch it). */
  price: Money,
  interval: IntervalUnit,
  intervalCount: Type.Integer(),
  paymentMethod: Type.String(),
  currentPeriodStart: DateTime,
  currentPeriodEnd: DateTime,
  /** When it renews next; null when it will not (canceled, or cancels at period end). */
  nextRenewalAt: Nullable(DateTime),
  cancelAtPeriodEnd: Type.Boolean(),
  canceledAt: Nullable(DateTime),
  /** An upgrade waiting for its prorated charge. */
  pendingPlanId: Nullable(Type.String()),
  dunning: Type.Object({ failedAttempts: Type.Integer(), nextRetryAt: Nullable(DateTime) }),
  timeline: Type.Array(
    Type.Object({
      event: Type.String(),
      from: Nullable(Type.String()),
      to: Type.String(),
      actor: Type.String(),
      reason: Nullable(Type.String()),
      at: DateTime,
    }),
  ),
  invoices: Type.Array(
    Type.Object({
      id: Type.String(),
      number: Type.String(),
      total: Money,
      issuedAt: DateTime,
    }),
  ),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export type SubscriptionView = Static<typeof SubscriptionView>;

export const SubscriptionList = Type.Object({
  items: Type.Array(SubscriptionView),
  nextCursor: Nullable(Type.String()),
});

export const SubscriptionListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ChangePlanResult = Type.Object({
  subscription: SubscriptionView,
  /** The plan changes when the prorated difference is paid. */
  pendingPayment: Type.Boolean(),
  proration: Nullable(
    Type.Object({
      credit: Money,
      charge: Money,
      /** charge − credit: charged now when positive, refunded now when negative. */
      net: Type.Object({ amount: Type.Integer(), currency: Type.String() }),
      remainingSeconds: Type.Integer(),
      periodSeconds: Type.Integer(),
    }),
  ),
});

export const ClockView = Type.Object({ now: DateTime, offsetSeconds: Type.Integer() });
export const AdvanceClockBody = Type.Object(
  { advanceSeconds: Type.Integer({ minimum: 1, maximum: 5 * 366 * 86_400 }) },
  { additionalProperties: false, examples: [{ advanceSeconds: 31 * 86_400 }] },
);
export const RunDueResult = Type.Object({ due: Type.Integer() });

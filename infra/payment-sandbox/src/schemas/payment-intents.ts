import { Type } from '@sinclair/typebox';
import { Amount, Expand, Metadata } from './common.js';

const CaptureMethod = Type.Union([
  Type.Literal('automatic'),
  Type.Literal('automatic_async'),
  Type.Literal('manual'),
]);
const SetupFutureUsage = Type.Union([Type.Literal('off_session'), Type.Literal('on_session')]);
const OffSession = Type.Union([Type.Boolean(), Type.Literal('one_off'), Type.Literal('recurring')]);

/** Card only: `allowed_payment_method_types[]` (this API version) or `payment_method_types[]`. */
const CardOnly = Type.Optional(Type.Array(Type.Literal('card'), { minItems: 1, maxItems: 1 }));

export const CreatePaymentIntent = Type.Object(
  {
    allowed_payment_method_types: CardOnly,
    automatic_payment_methods: Type.Optional(
      Type.Object(
        {
          enabled: Type.Boolean(),
          allow_redirects: Type.Optional(
            Type.Union([Type.Literal('always'), Type.Literal('never')]),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    /** Fail (402 authentication_required) rather than answer requires_action. */
    error_on_requires_action: Type.Optional(Type.Boolean()),
    amount: Amount,
    currency: Type.String({ pattern: '^[A-Za-z]{3}$' }),
    payment_method: Type.Optional(Type.String({ maxLength: 255 })),
    payment_method_types: CardOnly,
    confirm: Type.Optional(Type.Boolean()),
    customer: Type.Optional(Type.String({ maxLength: 255 })),
    off_session: Type.Optional(OffSession),
    capture_method: Type.Optional(CaptureMethod),
    return_url: Type.Optional(Type.String({ maxLength: 2048 })),
    setup_future_usage: Type.Optional(SetupFutureUsage),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    receipt_email: Type.Optional(Type.String({ maxLength: 800 })),
    metadata: Type.Optional(Metadata),
    expand: Expand,
  },
  { additionalProperties: false },
);

export const ConfirmPaymentIntent = Type.Object(
  {
    payment_method: Type.Optional(Type.String({ maxLength: 255 })),
    return_url: Type.Optional(Type.String({ maxLength: 2048 })),
    off_session: Type.Optional(OffSession),
    setup_future_usage: Type.Optional(SetupFutureUsage),
    expand: Expand,
  },
  { additionalProperties: false },
);

export const CapturePaymentIntent = Type.Object(
  { amount_to_capture: Type.Optional(Amount), expand: Expand },
  { additionalProperties: false },
);

export const CancelPaymentIntent = Type.Object(
  {
    cancellation_reason: Type.Optional(
      Type.Union([
        Type.Literal('duplicate'),
        Type.Literal('fraudulent'),
        Type.Literal('requested_by_customer'),
        Type.Literal('abandoned'),
      ]),
    ),
    expand: Expand,
  },
  { additionalProperties: false },
);

export const UpdatePaymentIntent = Type.Object(
  {
    amount: Type.Optional(Amount),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    customer: Type.Optional(Type.String({ maxLength: 255 })),
    payment_method: Type.Optional(Type.String({ maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    receipt_email: Type.Optional(Type.String({ maxLength: 800 })),
    setup_future_usage: Type.Optional(SetupFutureUsage),
    metadata: Type.Optional(Metadata),
    expand: Expand,
  },
  { additionalProperties: false },
);

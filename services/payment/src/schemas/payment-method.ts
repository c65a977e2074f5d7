import { Type } from '@sinclair/typebox';

export const CardView = Type.Object({
  id: Type.String({ description: 'The provider’s id of the saved card: pay an order with it' }),
  brand: Type.String({ examples: ['visa'] }),
  last4: Type.String({ examples: ['4242'] }),
  expMonth: Type.Integer(),
  expYear: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const CardList = Type.Object({
  items: Type.Array(CardView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const CardQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const SaveCardRequest = Type.Object(
  {
    paymentMethod: Type.String({
      pattern: '^pm_[A-Za-z0-9_]{1,60}$',
      description:
        'A PaymentMethod made by the provider’s client SDK (Stripe.js createPaymentMethod) — raw card data never reaches us — or a test card (pm_card_visa)',
    }),
  },
  { additionalProperties: false, examples: [{ paymentMethod: 'pm_card_visa' }] },
);

export const SaveCardHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'A retried request with the same key saves the card once',
    }),
  ),
});

/** The card's bank wants the customer before it can be saved (3-D Secure). */
export const SetupPending = Type.Object({
  status: Type.Literal('requires_action'),
  setupIntentId: Type.String(),
  nextAction: Type.Object({
    url: Type.Union([Type.String(), Type.Null()], {
      description: 'The provider’s page where the customer confirms',
    }),
    clientSecret: Type.Union([Type.String(), Type.Null()], {
      description: 'For the provider’s client SDK (Stripe.js handleNextAction)',
    }),
  }),
});

export const CardParams = Type.Object({
  id: Type.String({ pattern: '^pm_[A-Za-z0-9_]{1,100}$' }),
});

export const SetupParams = Type.Object({
  id: Type.String({ pattern: '^seti_[A-Za-z0-9_]{1,100}$' }),
});

import { Type } from '@sinclair/typebox';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/webhook-events.js';

const EventType = Type.Union(WEBHOOK_EVENT_TYPES.map((t) => Type.Literal(t)));

export const CreateEndpointBody = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      description: 'http(s); must resolve to a public address',
    }),
    eventTypes: Type.Array(EventType, { minItems: 1, uniqueItems: true }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  {
    examples: [
      {
        url: 'https://shop.example.com/hooks/switchyard',
        eventTypes: ['order.paid', 'order.cancelled'],
        description: 'fulfilment',
      },
    ],
    additionalProperties: false,
  },
);

export const UpdateEndpointBody = Type.Object(
  {
    url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    eventTypes: Type.Optional(Type.Array(EventType, { minItems: 1, uniqueItems: true })),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    /** `active` enables a disabled endpoint again (pending deliveries resume). */
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  },
  { examples: [{ status: 'active' }], additionalProperties: false, minProperties: 1 },
);

export const EndpointView = Type.Object({
  id: Type.String(),
  url: Type.String(),
  eventTypes: Type.Array(Type.String()),
  description: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  failingSince: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const CreatedEndpoint = Type.Composite([
  EndpointView,
  Type.Object({
    secret: Type.String({ description: 'The signing secret: shown this once, store it now' }),
  }),
]);

export const RotateSecretBody = Type.Partial(
  Type.Object(
    {
      overlapSeconds: Type.Integer({
        minimum: 0,
        maximum: 7 * 24 * 3600,
        description:
          'How long the replaced secret keeps signing deliveries alongside the new one (default one day; 0 ends it now)',
      }),
    },
    { examples: [{ overlapSeconds: 86400 }], additionalProperties: false },
  ),
);

export const RotatedSecret = Type.Composite([
  CreatedEndpoint,
  Type.Object({
    previousSecretExpiresAt: Type.String({
      format: 'date-time',
      description: 'Until then deliveries carry a signature with the replaced secret too',
    }),
  }),
]);

/** One page of a list (docs/api-guide.md): `nextCursor` fetches the next, null on the last. */
const nextCursor = Type.Union([Type.String(), Type.Null()]);
const cursor = Type.Optional(Type.String({ maxLength: 200 }));

export const EndpointList = Type.Object({ items: Type.Array(EndpointView), nextCursor });

export const EndpointListQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 100, default: 100 }), cursor },
  { additionalProperties: false },
);

export const DeliveryView = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  attemptLog: Type.Array(
    Type.Object({
      at: Type.String({ format: 'date-time' }),
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
      durationMs: Type.Integer(),
    }),
  ),
});

export const DeliveryList = Type.Object({ items: Type.Array(DeliveryView), nextCursor });

export const DeliveryQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    cursor,
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

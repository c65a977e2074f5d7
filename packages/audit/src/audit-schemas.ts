import { Type, type Static } from '@sinclair/typebox';
import { ACTOR_TYPES } from './audit-event.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T, description: string) =>
  Type.Union([schema, Type.Null()], { description });

export const AuditActorType = Type.Union(
  ACTOR_TYPES.map((type) => Type.Literal(type)),
  {
    description:
      'user (on their own account), admin, client (a machine client), system or anonymous',
  },
);

export const FieldChangesView = Type.Union(
  [
    Type.Record(
      Type.String(),
      Type.Object(
        { before: Type.Unknown(), after: Type.Unknown() },
        { additionalProperties: false },
      ),
    ),
    Type.Null(),
  ],
  { description: 'Before and after of each field the action changed; never a secret' },
);

/** An entry as admins see it: everything that was recorded, and its place in the chain. */
export const AuditEventView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    stream: Type.String({ description: 'The hash chain it belongs to' }),
    seq: Type.Integer({ minimum: 1, description: 'Its place in the stream' }),
    occurredAt: Type.String({ format: 'date-time' }),
    actor: Type.Object(
      { type: AuditActorType, id: Nullable(Type.String(), 'null for an anonymous caller') },
      { additionalProperties: false },
    ),
    action: Type.String({ examples: ['user.role_granted'] }),
    target: Type.Union([
      Type.Object({ type: Type.String(), id: Type.String() }, { additionalProperties: false }),
      Type.Null(),
    ]),
    changes: FieldChangesView,
    details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    ip: Nullable(Type.String(), "The caller's address"),
    userAgent: Nullable(Type.String(), "The caller's User-Agent"),
    requestId: Nullable(Type.String(), 'The request id (x-request-id)'),
    traceId: Nullable(Type.String(), 'The OpenTelemetry trace id'),
    hash: Type.String({ description: 'SHA-256 of the entry and the hash before it (hex)' }),
  },
  { additionalProperties: false },
);
export type AuditEventView = Static<typeof AuditEventView>;

const Filter = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 200, description }));

export const AuditEventQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    actorType: Type.Optional(AuditActorType),
    actorId: Filter('The acting user’s or client’s id'),
    action: Filter('An action, e.g. user.role_granted'),
    targetType: Filter('e.g. user, machine_client, signing_key'),
    targetId: Filter('The id of the thing acted on'),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Occurred at or after (inclusive)' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Occurred before' })),
  },
  { additionalProperties: false },
);
export type AuditEventQuery = Static<typeof AuditEventQuery>;

export const AuditEventList = Type.Object({
  items: Type.Array(AuditEventView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

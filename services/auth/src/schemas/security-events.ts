import { Type, type Static } from '@sinclair/typebox';
import { AuditActorTypeSchema, FieldChangesView } from '@switchyard/audit';

const NullableText = (description: string) =>
  Type.Union([Type.String(), Type.Null()], { description });

export const SecurityEventQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

/** An event of the signed-in user's account as they see it. */
export const SecurityEventView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    occurredAt: Type.String({ format: 'date-time' }),
    action: Type.String({
      examples: ['auth.login_failed'],
      description:
        'user.registered, auth.login_succeeded, auth.login_failed, auth.logged_out, ' +
        'auth.refresh_token_reuse_detected, user.password_changed, ' +
        'user.password_reset_requested, user.password_reset, user.role_granted, ' +
        'user.role_revoked, user.disabled or user.enabled',
    }),
    actor: Type.Object(
      { type: AuditActorTypeSchema },
      {
        additionalProperties: false,
        description: 'Who did it: you (user), an admin, or someone not signed in (anonymous)',
      },
    ),
    ip: NullableText('Where it came from; null when an admin or the platform did it'),
    userAgent: NullableText('The client it came from; null when an admin or the platform did it'),
    changes: FieldChangesView,
  },
  { additionalProperties: false },
);
export type SecurityEventView = Static<typeof SecurityEventView>;

export const SecurityEventList = Type.Object({
  items: Type.Array(SecurityEventView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

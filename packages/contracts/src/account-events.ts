import { Type } from '@sinclair/typebox';

const Uuid = Type.String({ format: 'uuid' });

/**
 * A customer asked to prove they own an address: the one on their account (`purpose: verify`)
 * or the new one they want instead (`purpose: change`, which takes effect only once verified).
 * The single-use token travels sealed (RESET_TOKEN_SEALING_KEY), like a password reset's: the
 * notification service opens it only to put it in the email it sends to `email`.
 */
export const EmailVerificationRequested = Type.Object(
  {
    userId: Uuid,
    /** The address to verify: where the email goes. */
    email: Type.String(),
    name: Type.String(),
    purpose: Type.Union([Type.Literal('verify'), Type.Literal('change')]),
    sealedVerificationToken: Type.String({ minLength: 20, maxLength: 1000 }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

/** A verified change of address took effect: the old address is told, the new one is used. */
export const UserEmailChanged = Type.Object(
  { userId: Uuid, previousEmail: Type.String(), email: Type.String(), name: Type.String() },
  { additionalProperties: false },
);

/**
 * An account was deleted by its owner. Every service erases or anonymises the personal data it
 * holds about `userId` (docs/account-deletion.md) and keeps what the law requires; handlers are
 * idempotent (the inbox), and the event carries no personal data itself.
 */
export const UserDeleted = Type.Object(
  { userId: Uuid, deletedAt: Type.String({ format: 'date-time' }) },
  { additionalProperties: false },
);

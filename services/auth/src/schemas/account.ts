import { Type } from '@sinclair/typebox';
import { MAX_PASSWORD_LENGTH } from '../domain/passwords.js';

const Email = Type.String({ format: 'email', maxLength: 254 });
const CurrentPassword = Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH });

export const EmailStatusView = Type.Object(
  {
    email: Type.String(),
    verified: Type.Boolean(),
    verifiedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const ChangeEmailBody = Type.Object(
  { newEmail: Email, password: CurrentPassword },
  {
    examples: [{ newEmail: 'ada.lovelace@example.org', password: 'a long passphrase' }],
    additionalProperties: false,
  },
);

export const VerifyEmailBody = Type.Object(
  { token: Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' }) },
  {
    examples: [{ token: 'q9U2mWc3hX7kT1pLr8ZsV4bN0aYdF6eGh2Jk' }],
    additionalProperties: false,
  },
);

export const EmailAccepted = Type.Object(
  { status: Type.Literal('accepted'), email: Type.String() },
  { additionalProperties: false },
);

export const SessionView = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    clientId: Type.String(),
    userAgent: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Type.String({ format: 'date-time' }),
    expiresAt: Type.String({ format: 'date-time' }),
    current: Type.Boolean({ description: 'The session of the access token that asked' }),
  },
  { additionalProperties: false },
);

export const SessionList = Type.Object(
  { items: Type.Array(SessionView), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);

/** The sessions list pages as every list does (docs/api-guide.md), most recently used first. */
export const SessionListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const SessionParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const SignOutAllQuery = Type.Object(
  {
    keepCurrent: Type.Boolean({
      default: false,
      description: 'Keep the session of the access token that asks signed in',
    }),
  },
  { additionalProperties: false },
);

export const SignedOut = Type.Object(
  { signedOut: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);

export const DeleteAccountBody = Type.Object(
  { password: CurrentPassword },
  { examples: [{ password: 'a long passphrase' }], additionalProperties: false },
);

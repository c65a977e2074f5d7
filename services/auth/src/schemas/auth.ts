import { Type } from '@sinclair/typebox';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../domain/passwords.js';
import { ROLES } from '../domain/roles.js';
import { CLIENT_SCOPES } from '../oauth/machine-clients.js';

const Email = Type.String({ format: 'email', maxLength: 254 });
const NewPassword = Type.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH });
const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const RegisterBody = Type.Object(
  { email: Email, password: NewPassword, name: Type.String({ minLength: 1, maxLength: 200 }) },
  {
    examples: [{ email: 'ada@example.com', password: 'a long passphrase', name: 'Ada Lovelace' }],
    additionalProperties: false,
  },
);

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }) },
  {
    examples: [{ email: 'ada@example.com', password: 'a long passphrase' }],
    additionalProperties: false,
  },
);

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { examples: [{ refreshToken: 'Jq3v9k2XzW8pL0sT4mN7bY1cR6eH5dGf' }], additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
    newPassword: NewPassword,
  },
  {
    examples: [{ currentPassword: 'a long passphrase', newPassword: 'an even longer passphrase' }],
    additionalProperties: false,
  },
);

export const ResetRequestBody = Type.Object(
  { email: Email },
  { examples: [{ email: 'ada@example.com' }], additionalProperties: false },
);

export const ResetConfirmBody = Type.Object(
  { token: Type.String({ minLength: 20, maxLength: 200 }), newPassword: NewPassword },
  {
    examples: [
      { token: 'q9U2mWc3hX7kT1pLr8ZsV4bN0aYdF6eGh2Jk', newPassword: 'an even longer passphrase' },
    ],
    additionalProperties: false,
  },
);

export const Accepted = Type.Object({ status: Type.Literal('accepted') });

export const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  roles: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});

export const AdminUserView = Type.Composite([UserView, Type.Object({ disabled: Type.Boolean() })]);

export const UserListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    role: Type.Optional(Role),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UserList = Type.Object({
  items: Type.Array(AdminUserView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const UserIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const UpdateUserBody = Type.Object(
  {
    roles: Type.Optional(
      Type.Array(Role, { minItems: 1, maxItems: ROLES.length, uniqueItems: true }),
    ),
    disabled: Type.Optional(Type.Boolean()),
  },
  { examples: [{ roles: ['customer', 'admin'] }], additionalProperties: false, minProperties: 1 },
);

export const RegisterClientBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Array(Type.Union(CLIENT_SCOPES.map((s) => Type.Literal(s))), {
      maxItems: CLIENT_SCOPES.length,
      uniqueItems: true,
    }),
  },
  { examples: [{ name: 'warehouse', scopes: ['orders:read'] }], additionalProperties: false },
);

const NullableTime = (description: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description });

export const ClientView = Type.Object({
  clientId: Type.String(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  disabled: Type.Boolean({ description: 'True once revoked' }),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: NullableTime('When it was revoked (for ever); null while it is enabled'),
  secretRotatedAt: NullableTime('When its secret was last rotated'),
  previousSecretExpiresAt: NullableTime(
    'Until then the secret the last rotation replaced is still accepted; null when none is',
  ),
});

export const RegisteredClient = Type.Composite([
  ClientView,
  Type.Object({ clientSecret: Type.String() }),
]);

export const ClientIdParams = Type.Object({
  clientId: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
});

export const ClientListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ClientList = Type.Object({
  items: Type.Array(ClientView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

/** Longest overlap a rotation may give the replaced secret. */
export const MAX_CLIENT_SECRET_OVERLAP_SECONDS = 7 * 24 * 3600;

export const RotateClientSecretBody = Type.Partial(
  Type.Object(
    {
      overlapSeconds: Type.Integer({
        minimum: 0,
        maximum: MAX_CLIENT_SECRET_OVERLAP_SECONDS,
        description:
          'How long the replaced secret is still accepted (default MACHINE_CLIENT_SECRET_OVERLAP_SECONDS, one day; 0 ends it now)',
      }),
    },
    { examples: [{ overlapSeconds: 86400 }], additionalProperties: false },
  ),
);

export const RotatedClientSecret = Type.Object({
  ...ClientView.properties,
  clientSecret: Type.String({ description: 'The new secret, shown this once' }),
  previousSecretExpiresAt: Type.String({
    format: 'date-time',
    description: 'Until then the replaced secret is still accepted',
  }),
});

export const TokenPair = Type.Object({
  tokenType: Type.Literal('Bearer'),
  accessToken: Type.String(),
  expiresIn: Type.Integer({ description: 'Access token lifetime in seconds' }),
  refreshToken: Type.String(),
});

export const Jwks = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      crv: Type.Optional(Type.String()),
      x: Type.Optional(Type.String()),
      y: Type.Optional(Type.String()),
      kid: Type.String(),
      alg: Type.String(),
      use: Type.String(),
    }),
  ),
});

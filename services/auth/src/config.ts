import { Type, type Static } from '@sinclair/typebox';
import { DatabaseEnv, KafkaEnv, ServerEnv } from '@switchyard/service-kit';

export const AuthConfig = Type.Composite([
  ServerEnv,
  DatabaseEnv,
  KafkaEnv,
  Type.Object({
    AUTH_ISSUER: Type.String({ default: 'switchyard-auth' }),
    AUTH_AUDIENCE: Type.String({ default: 'switchyard-api' }),
    ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 3600, default: 900 }),
    REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 300, default: 30 * 24 * 3600 }),
  }),
]);
export type AuthConfig = Static<typeof AuthConfig>;

import { Type } from '@sinclair/typebox';

/** Environment variables every service process reads; compose with its own via Type.Composite. */
export const ServerEnv = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
});

export const DatabaseEnv = Type.Object({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
});

export const KafkaEnv = Type.Object({
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', minLength: 1 }),
  /** Prefix for topic and consumer-group names, to isolate a test run on a shared broker. */
  KAFKA_NAMESPACE: Type.String({ default: '' }),
});

export const AuthEnv = Type.Object({
  AUTH_JWKS_URL: Type.String({ pattern: '^https?://' }),
  AUTH_ISSUER: Type.String({ default: 'switchyard-auth' }),
  AUTH_AUDIENCE: Type.String({ default: 'switchyard-api' }),
  /** Least time between two JWKS fetches (an unknown kid triggers one, at most this often). */
  JWKS_COOLDOWN_MS: Type.Integer({ minimum: 100, default: 30_000 }),
});

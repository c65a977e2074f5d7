import { Type, type Static } from '@sinclair/typebox';
import { AuthEnv, ServerEnv } from '@switchyard/service-kit';

const Url = Type.String({ pattern: '^https?://' });

export const GatewayConfig = Type.Composite([
  ServerEnv,
  AuthEnv,
  Type.Object({
    REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
    AUTH_SERVICE_URL: Url,
    ORDER_SERVICE_URL: Url,
    PAYMENT_SERVICE_URL: Url,
    NOTIFICATION_SERVICE_URL: Url,
    /** Requests per minute per user (or per IP when anonymous). */
    RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
    /** Requests per minute per IP on the credential routes (register, login, refresh). */
    AUTH_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
    UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  }),
]);
export type GatewayConfig = Static<typeof GatewayConfig>;

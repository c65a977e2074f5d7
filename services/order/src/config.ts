import { Type, type Static } from '@sinclair/typebox';
import { AuthEnv, DatabaseEnv, KafkaEnv, ServerEnv } from '@switchyard/service-kit';

export const OrderConfig = Type.Composite([
  ServerEnv,
  DatabaseEnv,
  KafkaEnv,
  AuthEnv,
  Type.Object({
    REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
    /** Key prefix for the catalog cache (separate deployments or test runs on one Redis). */
    CACHE_NAMESPACE: Type.String({ default: '' }),
    CATALOG_CACHE_TTL_SECONDS: Type.Integer({ minimum: 1, default: 300 }),
    /** An order still unpaid this long after placement is cancelled (stock released). */
    ORDER_PAYMENT_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
    EXPIRY_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 50, default: 10_000 }),
  }),
]);
export type OrderConfig = Static<typeof OrderConfig>;

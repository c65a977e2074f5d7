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
    /** Redis key prefix of the rate-limit counters (separate deployments on one Redis). */
    RATE_LIMIT_NAMESPACE: Type.String({ default: 'switchyard:gateway:rate:' }),
    UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
    /** Consecutive upstream failures that open its circuit, and how long it stays open. */
    CIRCUIT_FAILURE_THRESHOLD: Type.Integer({ minimum: 1, default: 5 }),
    CIRCUIT_OPEN_MS: Type.Integer({ minimum: 100, default: 10_000 }),
    /** Comma-separated browser origins allowed by CORS; empty allows none. */
    CORS_ORIGINS: Type.String({ default: '' }),
    /**
     * Provider webhook calls accepted per second by one replica, all senders together (the
     * provider is not a client with a quota of its own): above it a 429 with Retry-After, which
     * the provider retries. A bound, so the lean route cannot amplify a flood to the service.
     */
    PROVIDER_WEBHOOK_RATE_PER_SECOND: Type.Integer({ minimum: 1, default: 200 }),
    /**
     * How often the in-memory disabled-user denylist is read again in full (DenylistCache): the
     * bound on a revocation that arrives without its pub/sub message (auth's repair sync) and
     * on noticing that Redis lost the list's marker without a reconnect.
     */
    DENYLIST_RESYNC_MS: Type.Integer({ minimum: 500, maximum: 60_000, default: 5_000 }),
    /** Largest request body accepted, in bytes. */
    BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 256 * 1024 }),
    /** /metrics is served here, not on the public PORT (Prometheus scrapes it in-cluster). */
    METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9464 }),
  }),
]);
export type GatewayConfig = Static<typeof GatewayConfig>;

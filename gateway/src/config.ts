import { Type, type Static } from '@sinclair/typebox';
import { AuthEnv, ServerEnv } from '@switchyard/service-kit';
import { UPSTREAM_URLS_PATTERN } from './upstreams/upstream-urls.js';

/** A service's URL, or one URL per replica separated by commas (upstream-pool.ts). */
const Upstreams = Type.String({ pattern: UPSTREAM_URLS_PATTERN });

export const GatewayConfig = Type.Composite([
  ServerEnv,
  AuthEnv,
  Type.Object({
    REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
    AUTH_SERVICE_URL: Upstreams,
    ORDER_SERVICE_URL: Upstreams,
    PAYMENT_SERVICE_URL: Upstreams,
    NOTIFICATION_SERVICE_URL: Upstreams,
    BILLING_SERVICE_URL: Upstreams,
    /** Requests per minute per user (or per IP when anonymous). */
    RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
    /** Requests per minute per IP on the credential routes (register, login, refresh). */
    AUTH_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 30 }),
    /** Redis key prefix of the rate-limit counters (separate deployments on one Redis). */
    RATE_LIMIT_NAMESPACE: Type.String({ default: 'switchyard:gateway:rate:' }),
    /** How long an upstream may take to send response headers, and to send each body chunk. */
    UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
    /**
     * How long a replica may take to accept a connection, and to answer the health probe that
     * readmits it: a live process on the same network does either in milliseconds.
     */
    UPSTREAM_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 2_000 }),
    /**
     * A replica that has answered none of the requests waiting on it for this long gets no new
     * ones while another replica answers (a stopped process accepts connections, answers none).
     */
    UPSTREAM_STALL_MS: Type.Integer({ minimum: 50, default: 1_000 }),
    /**
     * Resolve every address of each upstream host name this often, one replica per address
     * (compose --scale, a Kubernetes headless Service); 0 leaves a name to the system resolver
     * at each connection (one address, or a ClusterIP Service that balances by itself).
     */
    UPSTREAM_DNS_REFRESH_MS: Type.Integer({ minimum: 0, default: 0 }),
    /**
     * Consecutive failures that open a replica's circuit when no other replica of its service
     * is admitted (with another admitted, a refused, reset or timed-out request ejects it at
     * once), and how long it stays out before a health probe may readmit it.
     */
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
    /**
     * What an account whose email address is not verified yet may not do: comma-separated
     * "METHOD /path" entries (a trailing `*` for a prefix, `:name` for one segment), e.g.
     * `POST /v1/orders,POST /v1/subscriptions`. Empty (the default): nothing is limited.
     */
    UNVERIFIED_ACCOUNT_DENIED_ROUTES: Type.String({
      default: '',
      pattern: '^(|[A-Z]+ /[^,\\s]*(,[A-Z]+ /[^,\\s]*)*)$',
    }),
    BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 256 * 1024 }),
    /**
     * The staff console's build (apps/console/dist), served at /admin; empty, or a folder without
     * its index.html, leaves /admin a 404 saying the console is not built.
     */
    CONSOLE_DIR: Type.String({ default: '' }),
    /** /metrics is served here, not on the public PORT (Prometheus scrapes it in-cluster). */
    METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9464 }),
  }),
]);
export type GatewayConfig = Static<typeof GatewayConfig>;

import { Type } from '@sinclair/typebox';
import { defaultDatabasePoolSettings } from './database-pool.js';

/** Environment variables every service process reads; compose with its own via Type.Composite. */
export const ServerEnv = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  /**
   * How long SIGTERM may take: in-flight requests drain, the current message finishes or is
   * abandoned uncommitted, the group is left, the outbox flushed. Keep it under the
   * orchestrator's kill deadline (Kubernetes terminationGracePeriodSeconds: 30 s).
   */
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 1_000, maximum: 120_000, default: 25_000 }),
  /**
   * Comma-separated addresses or CIDRs of the proxies in front of this process, whose
   * X-Forwarded-For is believed: for a service, the gateway (its pods' range in Kubernetes);
   * for the gateway, the ingress. Empty: the peer address is the client (docs/operations.md).
   */
  TRUSTED_PROXIES: Type.String({ default: '', pattern: '^[0-9A-Fa-f:.,/ ]*$' }),
});

export const DatabaseEnv = Type.Object({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  /**
   * Most connections this process opens to its database. Replicas × this stays under the
   * server's max_connections (PostgreSQL's default is 100).
   */
  DB_POOL_MAX: Type.Integer({
    minimum: 2,
    maximum: 500,
    default: defaultDatabasePoolSettings.DB_POOL_MAX,
  }),
  /** Longest wait for a database connection (pool slot or handshake): see database-pool.ts. */
  DB_CONNECT_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 60_000,
    default: defaultDatabasePoolSettings.DB_CONNECT_TIMEOUT_MS,
  }),
  /** Longest one SQL statement may run, lock waits included, before PostgreSQL cancels it. */
  DB_STATEMENT_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 600_000,
    default: defaultDatabasePoolSettings.DB_STATEMENT_TIMEOUT_MS,
  }),
});

export const KafkaEnv = Type.Object({
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', minLength: 1 }),
  /** Prefix for topic and consumer-group names, to isolate a test run on a shared broker. */
  KAFKA_NAMESPACE: Type.String({ default: '' }),
  /**
   * Consumer-group timing, chosen for fast failover (docs/decisions/0009): a killed member is
   * dropped after the session timeout; members heartbeat also while a handler runs; a
   * rebalance waits this long for members still finishing a message.
   */
  KAFKA_SESSION_TIMEOUT_MS: Type.Integer({ minimum: 6_000, maximum: 300_000, default: 10_000 }),
  KAFKA_HEARTBEAT_INTERVAL_MS: Type.Integer({ minimum: 100, maximum: 10_000, default: 1_000 }),
  KAFKA_REBALANCE_TIMEOUT_MS: Type.Integer({ minimum: 1_000, maximum: 300_000, default: 30_000 }),
  /**
   * How long the broker holds an empty fetch open. A stop waits for the fetch in flight, so the
   * test harnesses shorten it (a platform stop took 5.4 s with the default); production keeps
   * kafkajs's 5 s, the fewest idle requests.
   */
  KAFKA_FETCH_MAX_WAIT_MS: Type.Integer({ minimum: 100, maximum: 30_000, default: 5_000 }),
  /**
   * How often the outbox relay looks for rows when nothing woke it. Every commit that writes
   * an event wakes it at once; the poll only picks up what a crash or another replica left.
   */
  OUTBOX_POLL_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 600_000, default: 1_000 }),
  /** Published outbox rows are kept this long, then deleted. */
  OUTBOX_RETENTION_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 90, default: 24 * 7 }),
  /**
   * How the service logs in to Kafka. `none`: plaintext, no login (the local broker). A SCRAM
   * mechanism needs the username and password (kafkaCredentialsRule): in production they are
   * the service's Strimzi KafkaUser and its Secret, whose ACLs allow only its own topics.
   */
  KAFKA_SASL_MECHANISM: Type.Union(
    ['none', 'scram-sha-512', 'scram-sha-256'].map((m) => Type.Literal(m)),
    { default: 'none' },
  ),
  KAFKA_SASL_USERNAME: Type.String({ default: '' }),
  KAFKA_SASL_PASSWORD: Type.String({ default: '' }),
  /** TLS to the brokers (a listener with TLS); independent of SASL. */
  KAFKA_SSL: Type.Boolean({ default: false }),
});

export const AuthEnv = Type.Object({
  AUTH_JWKS_URL: Type.String({ pattern: '^https?://' }),
  AUTH_ISSUER: Type.String({ default: 'switchyard-auth' }),
  AUTH_AUDIENCE: Type.String({ default: 'switchyard-api' }),
  /** Least time between two JWKS fetches (an unknown kid triggers one, at most this often). */
  JWKS_COOLDOWN_MS: Type.Integer({ minimum: 100, default: 30_000 }),
});

/**
 * A SecretBox keyring in one variable: 32-byte keys, base64, comma-separated, newest first
 * (`openssl rand -base64 32` each). New values are sealed with the first; every listed key opens.
 */
export const SealingKeyring = (options: { description?: string } = {}) =>
  Type.String({ pattern: '^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$', ...options });

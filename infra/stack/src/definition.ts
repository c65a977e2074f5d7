import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root, from this package's location (infra/stack/dist → ../../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface StackPorts {
  gateway: number;
  auth: number;
  order: number;
  payment: number;
  notification: number;
  billing: number;
  /** The payment-provider sandbox (infra/payment-sandbox), standing in for a real provider. */
  paymentSandbox: number;
  /** The gateway's /metrics, apart from its public port. */
  gatewayMetrics: number;
}

export const defaultPorts: StackPorts = {
  gateway: 8080,
  auth: 4001,
  order: 4002,
  payment: 4003,
  notification: 4004,
  billing: 4005,
  paymentSandbox: 4010,
  gatewayMetrics: 9464,
};

export interface StackOptions {
  ports: StackPorts;
  /** Postgres server URL (any database); each service gets `<prefix>_<service>` on it. */
  postgresUrl: string;
  databasePrefix: string;
  kafkaBrokers: string;
  kafkaNamespace: string;
  /**
   * A broker that requires logins (infra/kafka KAFKA_SECURITY=scram): each service's SCRAM
   * password, its user being its name. Absent: plaintext, no login.
   */
  kafkaPasswords?: Partial<Record<ServiceName, string>>;
  redisUrl: string;
  smtpUrl: string;
  logLevel: string;
  /**
   * Billing's movable clock (`/v1/admin/billing/clock`), for tests that walk subscriptions
   * through renewals and dunning. Off unless asked for: a local stack keeps real time.
   */
  billingTestClock?: boolean;
}

/** The services that own a database and a Kafka login (the gateway and sandbox own neither). */
export type ServiceName = 'auth' | 'order' | 'payment' | 'notification' | 'billing';

export interface StackProcess {
  name: ServiceName | 'gateway' | 'payment-sandbox';
  cwd: string;
  /** node arguments: telemetry preloaded, then the compiled server. */
  args: string[];
  env: Record<string, string>;
  port: number;
  /**
   * For services owning a database: which database, where its migrations are, and the demo
   * data a local stack loads after them (never a production database: see @switchyard/db seed).
   */
  database?: { url: string; migrationsDir: string; seedFiles: string[] };
}

// Development-only credentials shared by the local sandbox and the payment service.
const SANDBOX_API_KEY = 'sk_test_switchyard_sandbox';
const SANDBOX_WEBHOOK_SECRET = 'whsec_switchyard_sandbox_dev';
// Encrypts outgoing-webhook secrets at rest; production sets its own (docs/notifications.md).
const DEV_WEBHOOK_SECRETS_KEY = 'c3dpdGNoeWFyZC1sb2NhbC1kZXYtd2ViaG9vay1rZXk=';
// Seals reset tokens between auth and notification; production sets its own (docs/security.md).
const DEV_RESET_TOKEN_SEALING_KEY = 'c3dpdGNoeWFyZC1sb2NhbC1kZXYtcmVzZXQtc2VhbCE=';
// Seals the token signing keys in auth's database; production sets its own (docs/operations.md).
const DEV_SIGNING_KEY_SEALING_KEY = 'c3dpdGNoeWFyZC1sb2NhbC1kZXYtandrLXNlYWxpbmc=';

function databaseUrl(options: StackOptions, service: string): string {
  const url = new URL(options.postgresUrl);
  url.pathname = `/${options.databasePrefix}_${service}`;
  return url.toString();
}

/**
 * Every process of the platform and the environment it runs with: one definition shared by
 * the local stack (`infra/scripts/up.sh`) and the end-to-end tests.
 */
export function stackProcesses(options: StackOptions): StackProcess[] {
  const local = (port: number) => `http://127.0.0.1:${port}`;
  const common = {
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel,
    KAFKA_BROKERS: options.kafkaBrokers,
    KAFKA_NAMESPACE: options.kafkaNamespace,
    AUTH_JWKS_URL: `${local(options.ports.auth)}/.well-known/jwks.json`,
    // The issuer is the public URL, so the RFC 8414 metadata is at
    // <issuer>/.well-known/oauth-authorization-server (no OIDC discovery document).
    AUTH_ISSUER: local(options.ports.gateway),
    AUTH_AUDIENCE: 'switchyard-api',
  };
  const service = (
    name: ServiceName,
    extra: Record<string, string> = {},
    seeds: string[] = [],
  ): StackProcess => {
    const dir = path.join(repoRoot, 'services', name);
    const url = databaseUrl(options, name);
    const kafkaPassword = options.kafkaPasswords?.[name];
    const kafkaLogin: Record<string, string> = kafkaPassword
      ? {
          KAFKA_SASL_MECHANISM: 'scram-sha-512',
          KAFKA_SASL_USERNAME: name,
          KAFKA_SASL_PASSWORD: kafkaPassword,
        }
      : {};
    return {
      name,
      cwd: dir,
      args: ['--import', '@switchyard/telemetry/register', 'dist/server.js'],
      port: options.ports[name],
      env: {
        ...common,
        // The gateway runs on this host and is the only proxy services believe.
        TRUSTED_PROXIES: '127.0.0.1,::1',
        OTEL_SERVICE_NAME: name,
        PORT: String(options.ports[name]),
        DATABASE_URL: url,
        ...kafkaLogin,
        ...extra,
      },
      database: {
        url,
        migrationsDir: path.join(dir, 'prisma/migrations'),
        seedFiles: seeds.map((file) => path.join(dir, file)),
      },
    };
  };
  return [
    service('auth', {
      REDIS_URL: options.redisUrl,
      RESET_TOKEN_SEALING_KEY: DEV_RESET_TOKEN_SEALING_KEY,
      SIGNING_KEY_SEALING_KEY: DEV_SIGNING_KEY_SEALING_KEY,
    }),
    // The demo catalog, so the README walkthrough's product exists.
    service('order', { REDIS_URL: options.redisUrl }, ['prisma/seed/demo-catalog.sql']),
    service('payment', {
      REDIS_URL: options.redisUrl,
      PROVIDER_URL: local(options.ports.paymentSandbox),
      PROVIDER_API_KEY: SANDBOX_API_KEY,
      PROVIDER_WEBHOOK_SECRET: SANDBOX_WEBHOOK_SECRET,
    }),
    service('notification', {
      SMTP_URL: options.smtpUrl,
      REDIS_URL: options.redisUrl,
      WEBHOOK_SECRETS_KEY: DEV_WEBHOOK_SECRETS_KEY,
      RESET_TOKEN_SEALING_KEY: DEV_RESET_TOKEN_SEALING_KEY,
    }),
    // The demo plans, so the README's subscription example has one to subscribe to.
    service(
      'billing',
      {
        REDIS_URL: options.redisUrl,
        BILLING_TEST_CLOCK: String(options.billingTestClock ?? false),
      },
      ['prisma/seed/demo-plans.sql'],
    ),
    {
      name: 'payment-sandbox',
      cwd: path.join(repoRoot, 'infra/payment-sandbox'),
      args: ['dist/server.js'],
      port: options.ports.paymentSandbox,
      env: {
        HOST: '127.0.0.1',
        LOG_LEVEL: options.logLevel,
        PORT: String(options.ports.paymentSandbox),
        SANDBOX_API_KEY,
        SANDBOX_WEBHOOK_SECRET,
        // Its charges survive a restart, as a real provider's do (one file per stack).
        SANDBOX_DATA_FILE: path.join(
          repoRoot,
          '.var/payment-sandbox',
          `${[options.databasePrefix, options.kafkaNamespace.replace(/\.$/, '')].filter(Boolean).join('-')}.jsonl`,
        ),
        // Webhooks come in through the public gateway, as a real provider's would.
        SANDBOX_WEBHOOK_URL: `${local(options.ports.gateway)}/v1/payments/webhooks/provider`,
      },
    },
    {
      name: 'gateway',
      cwd: path.join(repoRoot, 'gateway'),
      args: ['--import', '@switchyard/telemetry/register', 'dist/server.js'],
      port: options.ports.gateway,
      env: {
        ...common,
        OTEL_SERVICE_NAME: 'gateway',
        PORT: String(options.ports.gateway),
        METRICS_PORT: String(options.ports.gatewayMetrics),
        REDIS_URL: options.redisUrl,
        AUTH_SERVICE_URL: local(options.ports.auth),
        ORDER_SERVICE_URL: local(options.ports.order),
        PAYMENT_SERVICE_URL: local(options.ports.payment),
        NOTIFICATION_SERVICE_URL: local(options.ports.notification),
        BILLING_SERVICE_URL: local(options.ports.billing),
        // The staff console at /admin, once built (pnpm --filter @switchyard/console build).
        CONSOLE_DIR: path.join(repoRoot, 'apps/console/dist'),
      },
    },
  ];
}

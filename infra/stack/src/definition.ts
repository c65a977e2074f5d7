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
}

export const defaultPorts: StackPorts = {
  gateway: 8080,
  auth: 4001,
  order: 4002,
  payment: 4003,
  notification: 4004,
};

export interface StackOptions {
  ports: StackPorts;
  /** Postgres server URL (any database); each service gets `<prefix>_<service>` on it. */
  postgresUrl: string;
  databasePrefix: string;
  kafkaBrokers: string;
  kafkaNamespace: string;
  redisUrl: string;
  smtpUrl: string;
  logLevel: string;
}

export interface StackProcess {
  name: 'auth' | 'order' | 'payment' | 'notification' | 'gateway';
  cwd: string;
  /** node arguments: telemetry preloaded, then the compiled server. */
  args: string[];
  env: Record<string, string>;
  port: number;
  /** For services owning a database: where their migrations are and which database. */
  database?: { url: string; migrationsDir: string };
}

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
    // The issuer is the public URL, so OIDC discovery lives at <issuer>/.well-known/.
    AUTH_ISSUER: local(options.ports.gateway),
    AUTH_AUDIENCE: 'switchyard-api',
  };
  const service = (
    name: 'auth' | 'order' | 'payment' | 'notification',
    extra: Record<string, string> = {},
  ): StackProcess => {
    const dir = path.join(repoRoot, 'services', name);
    const url = databaseUrl(options, name);
    return {
      name,
      cwd: dir,
      args: ['--import', '@switchyard/telemetry/register', 'dist/server.js'],
      port: options.ports[name],
      env: {
        ...common,
        OTEL_SERVICE_NAME: name,
        PORT: String(options.ports[name]),
        DATABASE_URL: url,
        ...extra,
      },
      database: { url, migrationsDir: path.join(dir, 'prisma/migrations') },
    };
  };
  return [
    service('auth', { REDIS_URL: options.redisUrl }),
    service('order', { REDIS_URL: options.redisUrl }),
    service('payment'),
    service('notification', { SMTP_URL: options.smtpUrl }),
    {
      name: 'gateway',
      cwd: path.join(repoRoot, 'gateway'),
      args: ['--import', '@switchyard/telemetry/register', 'dist/server.js'],
      port: options.ports.gateway,
      env: {
        ...common,
        OTEL_SERVICE_NAME: 'gateway',
        PORT: String(options.ports.gateway),
        REDIS_URL: options.redisUrl,
        AUTH_SERVICE_URL: local(options.ports.auth),
        ORDER_SERVICE_URL: local(options.ports.order),
        PAYMENT_SERVICE_URL: local(options.ports.payment),
        NOTIFICATION_SERVICE_URL: local(options.ports.notification),
      },
    },
  ];
}

/**
 * Is this failure the infrastructure's (a database restart, a pool or lock timeout, a broker
 * or provider that is briefly away) rather than the message's? A transient failure is retried
 * until it passes; only a failure that would happen again with the same input (a poison
 * message, a validation error, a bug) may send a message to the dead-letter topic.
 */

/** Throw (or set `transient: true` on) an error to say "try this again later". */
export class TransientError extends Error {
  override name = 'TransientError';
  readonly transient = true;
}

const NODE_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** SQLSTATEs that say "not now": connection trouble, restarts, resource limits, conflicts. */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code.startsWith('53') || // insufficient resources (too many connections, out of memory)
    code.startsWith('57') || // operator intervention: admin shutdown, cannot connect now, query cancelled
    code === '55000' || // database not accepting connections (maintenance, failover)
    code === '55P03' || // lock not available (lock_timeout)
    code === '40001' || // serialization failure
    code === '40P01' // deadlock detected
  );
}

/** Prisma's driver-adapter error kinds that are about the connection, not the query. */
const PRISMA_ADAPTER_KINDS = new Set([
  'ConnectionClosed',
  'DatabaseNotReachable',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
  'TransactionWriteConflict',
]);

/** Prisma error codes for the same: unreachable, timed out, pool exhausted, transaction expired. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  transient?: unknown;
  retriable?: unknown;
  kind?: unknown;
  meta?: { driverAdapterError?: { cause?: unknown } };
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
  message?: unknown;
}

function isTransientOne(error: ErrorLike): boolean {
  if (error.transient === true) return true;
  const name = typeof error.name === 'string' ? error.name : '';
  const code = typeof error.code === 'string' ? error.code : '';
  // kafkajs marks its own errors; a non-retriable protocol error is the message's fault.
  if (name === 'KafkaJSProtocolError' || name === 'KafkaJSNonRetriableError')
    return error.retriable === true;
  if (name.startsWith('KafkaJS')) return true; // connection, request timeout, retries exhausted
  if (name === 'PrismaClientInitializationError') return true;
  if (typeof error.kind === 'string' && PRISMA_ADAPTER_KINDS.has(error.kind)) return true;
  if (PRISMA_CODES.has(code) || NODE_NETWORK_CODES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code) && isTransientSqlState(code)) return true;
  if (name === 'MaxRetriesPerRequestError') return true; // ioredis while Redis is away
  const message = typeof error.message === 'string' ? error.message : '';
  return /Connection (terminated|is closed)|timeout exceeded when trying to connect/i.test(message);
}

/** Look through an error and everything it wraps (cause chains, Prisma's adapter error). */
export function isTransientError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 8) return false;
  const e = error as ErrorLike;
  if (isTransientOne(e)) return true;
  const adapterCause = e.meta?.driverAdapterError?.cause;
  const nested = [
    e.cause,
    e.originalError,
    adapterCause,
    ...(Array.isArray(e.errors) ? e.errors : []),
  ];
  return nested.some((inner) => inner !== undefined && isTransientError(inner, depth + 1));
}

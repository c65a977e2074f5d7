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

/**
 * Kafka protocol errors that are the record's own fault: the broker refuses this record (too
 * large, malformed) whoever sends it and however often. Every other refusal (authorization,
 * the producer's id, epoch or sequence, timestamps, topic configuration) is about the broker,
 * its configuration or the producer's session, and passes once that is put right; kafkajs
 * calls many of them non-retriable only because retrying the same request cannot help.
 */
const KAFKA_RECORD_FAULTS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  /** kafkajs: the broker's protocol error (`TOPIC_AUTHORIZATION_FAILED`, ...). */
  type?: unknown;
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
  // Every kafkajs error (connection, timeout, retries exhausted, a refusal by the broker) is
  // the infrastructure's, except a record the broker refuses for its own sake.
  if (name.startsWith('KafkaJS'))
    return !KAFKA_RECORD_FAULTS.has(kafkaProtocolErrorType(error) ?? '');
  if (name === 'PrismaClientInitializationError') return true;
  if (typeof error.kind === 'string' && PRISMA_ADAPTER_KINDS.has(error.kind)) return true;
  if (PRISMA_CODES.has(code) || NODE_NETWORK_CODES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code) && isTransientSqlState(code)) return true;
  if (name === 'MaxRetriesPerRequestError') return true; // ioredis while Redis is away
  const message = typeof error.message === 'string' ? error.message : '';
  return /Connection (terminated|is closed)|timeout exceeded when trying to connect/i.test(message);
}

/**
 * The Kafka protocol error (`MESSAGE_TOO_LARGE`, `UNKNOWN_PRODUCER_ID`, ...) a kafkajs error
 * carries, itself or in what it wraps (KafkaJSNonRetriableError keeps it as `cause`); null
 * when it carries none (a connection error, a timeout).
 */
export function kafkaProtocolErrorType(error: unknown, depth = 0): string | null {
  if (!error || typeof error !== 'object' || depth > 8) return null;
  const e = error as ErrorLike;
  const kafkajs = typeof e.name === 'string' && e.name.startsWith('KafkaJS');
  if (kafkajs && typeof e.type === 'string') return e.type; // KafkaJSProtocolError and kin
  return e.cause === error ? null : kafkaProtocolErrorType(e.cause, depth + 1);
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

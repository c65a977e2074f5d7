import { AppError } from '@switchyard/service-kit';

const TIMEOUT = /TIMEOUT/i;
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** Translate a failure to reach an upstream into the problem the client sees. */
export function upstreamError(
  error: { code?: string; cause?: { code?: string } },
  service: string,
): AppError {
  const code = error.code ?? '';
  const causeCode = error.cause?.code ?? '';
  if (TIMEOUT.test(code) || TIMEOUT.test(causeCode)) {
    return new AppError('GATEWAY_TIMEOUT', `The ${service} service did not answer in time`);
  }
  if (
    UNREACHABLE.has(code) ||
    UNREACHABLE.has(causeCode) ||
    code === 'FST_REPLY_FROM_SERVICE_UNAVAILABLE' ||
    // Every replica ejected (upstreams/upstream-pool.ts): the circuit is open.
    causeCode === 'SWITCHYARD_NO_REPLICA_ADMITTED'
  ) {
    return new AppError('UNAVAILABLE', `The ${service} service is unavailable, retry later`);
  }
  return new AppError('BAD_GATEWAY', `The ${service} service answered unexpectedly`);
}

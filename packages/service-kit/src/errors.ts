/** Stable error codes and the one table from code to HTTP status. */
export const errorStatus = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  BAD_GATEWAY: 502,
  UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

const titles: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Request validation failed',
  BAD_REQUEST: 'Bad request',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  CONFLICT: 'Conflict',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  UNPROCESSABLE: 'Unprocessable request',
  RATE_LIMITED: 'Too many requests',
  INTERNAL: 'Internal error',
  BAD_GATEWAY: 'Bad gateway',
  UNAVAILABLE: 'Service unavailable',
  GATEWAY_TIMEOUT: 'Gateway timeout',
};

export function titleOf(code: ErrorCode): string {
  return titles[code];
}

export function codeForStatus(status: number): ErrorCode {
  const found = (Object.entries(errorStatus) as [ErrorCode, number][]).find(
    ([, s]) => s === status,
  );
  if (found) return found[0];
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}

export interface FieldError {
  path: string;
  message: string;
}

/**
 * What a 401 or 403 tells a bearer-token client in `WWW-Authenticate` (RFC 6750 §3):
 * `invalid_token` (expired, revoked, malformed, wrong audience…) or `insufficient_scope`.
 * A request with no token at all gets the bare challenge, without an error code.
 */
export type BearerError = 'invalid_token' | 'insufficient_scope';

/** The one error type domain code throws; the error handler turns it into problem+json. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  /** Set on errors about a bearer token: named in the WWW-Authenticate challenge. */
  bearerError?: BearerError;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? titles[code]);
    this.status = errorStatus[code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

function bearerFailure(code: ErrorCode, detail: string, bearerError: BearerError): AppError {
  return Object.assign(new AppError(code, detail), { bearerError });
}

/** 401 for a bearer token that was presented but cannot be accepted. */
export const invalidToken = (detail = 'The access token is invalid or expired') =>
  bearerFailure('UNAUTHENTICATED', detail, 'invalid_token');

/** 403 for a token valid in itself that lacks the scope an operation needs. */
export const insufficientScope = (scope: string) =>
  bearerFailure('FORBIDDEN', `This operation needs the ${scope} scope`, 'insufficient_scope');

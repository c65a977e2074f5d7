/**
 * The one error type of the sandbox's Stripe API, and its body: `{ error: { type, code?,
 * decline_code?, message, param?, payment_intent?, setup_intent?, charge?, doc_url? } }` with
 * Stripe's statuses, so the SDK raises the same error classes it raises against Stripe.
 */
export type StripeErrorType =
  | 'invalid_request_error'
  | 'card_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'api_error'
  | 'authentication_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  setup_intent?: unknown;
  payment_method?: unknown;
}

export class StripeApiError extends Error {
  override name = 'StripeApiError';

  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }
}

const docUrl = (code: string) => `https://docs.stripe.com/error-codes/${code.replaceAll('_', '-')}`;

export function invalidRequest(
  message: string,
  options: { param?: string; code?: string; status?: number } = {},
): StripeApiError {
  const { status = 400, ...rest } = options;
  return new StripeApiError(status, {
    type: 'invalid_request_error',
    message,
    ...rest,
    ...(rest.code ? { doc_url: docUrl(rest.code) } : {}),
  });
}

/** An object named in the path (404) or in a parameter (400, with `param`). */
export function resourceMissing(kind: string, id: string, param?: string): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, {
    code: 'resource_missing',
    status: param ? 400 : 404,
    ...(param ? { param } : {}),
  });
}

export function unexpectedState(what: string, status: string, action: string): StripeApiError {
  return invalidRequest(
    `This ${what} could not be ${action} because it has a status of ${status}.`,
    {
      code:
        what === 'SetupIntent'
          ? 'setup_intent_unexpected_state'
          : 'payment_intent_unexpected_state',
    },
  );
}

export const rateLimited = () =>
  new StripeApiError(429, {
    type: 'rate_limit_error',
    code: 'rate_limit',
    message: 'Too many requests hit the API too quickly. Retry after a second.',
  });

export const apiUnavailable = () =>
  new StripeApiError(503, {
    type: 'api_error',
    message: 'The card network did not answer. Retry the request.',
  });

export const unknownApiError = () =>
  new StripeApiError(500, { type: 'api_error', message: 'An unknown error occurred.' });

export function cardDeclined(details: {
  message: string;
  code: string;
  declineCode?: string;
  charge?: string;
  paymentIntent?: unknown;
  setupIntent?: unknown;
  paymentMethod?: unknown;
}): StripeApiError {
  return new StripeApiError(402, {
    type: 'card_error',
    message: details.message,
    code: details.code,
    doc_url: docUrl(details.code),
    ...(details.declineCode ? { decline_code: details.declineCode } : {}),
    ...(details.charge ? { charge: details.charge } : {}),
    ...(details.paymentIntent ? { payment_intent: details.paymentIntent } : {}),
    ...(details.setupIntent ? { setup_intent: details.setupIntent } : {}),
    ...(details.paymentMethod ? { payment_method: details.paymentMethod } : {}),
  });
}

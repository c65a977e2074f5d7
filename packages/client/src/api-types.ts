import type { components, operations } from './generated/api.js';

/** The JSON body of an operation's answer with `status`. */
type JsonAnswer<Operation extends keyof operations, Status extends number> =
  operations[Operation]['responses'] extends Record<
    Status,
    { content: { 'application/json': infer Body } }
  >
    ? Body
    : never;

/** An RFC 9457 problem, as every error of the API is answered (application/problem+json). */
export type ProblemDetails = components['schemas']['ProblemDetails'];
/** What `POST /v1/auth/login` answers: a short-lived access token and its refresh token. */
export type Session = JsonAnswer<'logIn', 200>;
/** What `POST /oauth/token` answers (RFC 6749 names: access_token, expires_in, scope). */
export type AccessToken = JsonAnswer<'requestToken', 200>;
/** The body of `POST /v1/orders`: product ids and quantities; prices come from the catalog. */
export type PlaceOrderBody = operations['placeOrder']['requestBody']['content']['application/json'];
export type Order = JsonAnswer<'placeOrder', 201>;

export {
  createSwitchyardClient,
  type SwitchyardClient,
  type SwitchyardClientOptions,
} from './create-switchyard-client.js';
export { SwitchyardProblem } from './switchyard-problem.js';
export type { PlacedOrder, PlaceOrderOptions } from './place-order.js';
export type { TokenSource } from './bearer-token.js';
export type { AccessToken, Order, PlaceOrderBody, ProblemDetails, Session } from './api-types.js';
export { newIdempotencyKey } from './idempotency-key.js';
export type { components, operations, paths } from './generated/api.js';

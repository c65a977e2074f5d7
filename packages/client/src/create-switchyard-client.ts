import createClient, { type Client } from 'openapi-fetch';
import type { AccessToken, PlaceOrderBody, Session } from './api-types.js';
import type { paths } from './generated/api.js';
import { bearerToken, type TokenSource } from './bearer-token.js';
import { throwProblems } from './throw-problems.js';
import { placeOrder, type PlacedOrder, type PlaceOrderOptions } from './place-order.js';

export interface SwitchyardClientOptions {
  /** The gateway's URL: `https://api.example.com`. */
  baseUrl: string;
  /** An access token for every request; or `getToken`, asked before every request. */
  token?: string;
  getToken?: TokenSource;
  /** Another fetch (a custom agent, a test's recorder); the global fetch by default. */
  fetch?: (request: Request) => Promise<Response>;
}

/**
 * The whole API, typed from its OpenAPI document (openapi-fetch's GET, POST, PATCH, PUT, DELETE
 * by path), plus the few calls that read better as functions.
 */
export interface SwitchyardClient extends Client<paths> {
  /** `POST /v1/auth/login`: a customer's access and refresh tokens. */
  signIn(email: string, password: string): Promise<Session>;
  /** `POST /oauth/token` with the client_credentials grant: a machine client's access token. */
  clientCredentials(
    clientId: string,
    clientSecret: string,
    options?: { scope?: string },
  ): Promise<AccessToken>;
  /** `POST /v1/orders` with an Idempotency-Key, retried with the same key while that is safe. */
  placeOrder(order: PlaceOrderBody, options?: PlaceOrderOptions): Promise<PlacedOrder>;
}

/**
 * A client of the public API. Every answer outside 2xx is thrown as a SwitchyardProblem, so a
 * call that returns has its `data`.
 */
export function createSwitchyardClient(options: SwitchyardClientOptions): SwitchyardClient {
  if (options.token !== undefined && options.getToken)
    throw new TypeError('createSwitchyardClient: give token or getToken, not both');
  const settings = { baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const api = createClient<paths>(settings);
  api.use(throwProblems, bearerToken(options.getToken ?? (() => options.token)));
  // Credentials are sent without anybody's access token.
  const anonymous = createClient<paths>(settings);
  anonymous.use(throwProblems);

  const helpers = {
    async signIn(email: string, password: string) {
      const { data } = await anonymous.POST('/v1/auth/login', { body: { email, password } });
      return data!;
    },
    async clientCredentials(
      clientId: string,
      clientSecret: string,
      grant: { scope?: string } = {},
    ) {
      const { data } = await anonymous.POST('/oauth/token', {
        // client_secret_post: plain form fields, the same in every runtime (no btoa of Basic).
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        bodySerializer: (form) => new URLSearchParams(form as Record<string, string>).toString(),
        body: {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          ...(grant.scope ? { scope: grant.scope } : {}),
        },
      });
      return data!;
    },
    placeOrder: (order: PlaceOrderBody, placement?: PlaceOrderOptions) =>
      placeOrder(api, order, placement),
  };
  return Object.assign(api, helpers);
}

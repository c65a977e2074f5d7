import type { Middleware } from 'openapi-fetch';
import { SwitchyardProblem } from './switchyard-problem.js';

/** Where the access token comes from: read before every request, so a refreshed one is used. */
export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

/** `Authorization: Bearer <token>` on every request that has no Authorization of its own. */
export function bearerToken(getToken: TokenSource): Middleware {
  return {
    async onRequest({ request }) {
      if (request.headers.has('authorization')) return undefined;
      const token = await getToken();
      if (token) request.headers.set('authorization', `Bearer ${token}`);
      return undefined;
    },
  };
}

/**
 * Every answer outside 2xx becomes a thrown SwitchyardProblem: a call either returns its data
 * or throws, and never carries on with an error it did not look at.
 */
export const throwProblems: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await SwitchyardProblem.fromResponse(response.clone());
    return undefined;
  },
};

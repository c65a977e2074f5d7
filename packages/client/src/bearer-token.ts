import type { Middleware } from 'openapi-fetch';

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

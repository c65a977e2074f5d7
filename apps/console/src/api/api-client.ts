import { createSwitchyardClient } from '@switchyard/client';
import { session } from '../auth/session';

/**
 * The one client of the public API every screen uses (through its area's module: orders-api,
 * catalog-api), on the gateway that served the console, with the session's access token.
 * Every answer outside 2xx is thrown as a SwitchyardProblem (problem-message.ts reads it).
 */
export const api = createSwitchyardClient({
  baseUrl: window.location.origin,
  getToken: session.accessToken,
});

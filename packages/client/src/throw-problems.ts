import type { Middleware } from 'openapi-fetch';
import { SwitchyardProblem } from './switchyard-problem.js';

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

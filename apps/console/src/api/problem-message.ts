import { SwitchyardProblem } from '@switchyard/client';

/** What a screen shows for a failed call: one sentence, and each refused field's own message. */
export interface ReadableError {
  message: string;
  /** Form field name → what is wrong with it (from a 400's `errors`). */
  fields: Record<string, string>;
  status?: number;
}

/** How a form's fields are named in the API's 400 answers (`body/price/amount`). */
export interface FieldMap {
  /** API path (or the start of one) → the form's field name. */
  paths: Record<string, string>;
  /**
   * A field's own wording of a refusal (given the validator's message), e.g. a bound in the
   * units the person typed rather than the API's minor units.
   */
  messages?: Record<string, (message: string, humanised: string) => string>;
}

/** The validator's phrases, in plain words a person acts on. */
function humanise(message: string): string {
  const bound = /^must be (>=|<=|>|<) (-?\d+)$/.exec(message);
  if (bound) {
    const words = { '>=': 'at least', '<=': 'at most', '>': 'more than', '<': 'less than' };
    return `must be ${words[bound[1] as keyof typeof words]} ${Number(bound[2]).toLocaleString()}`;
  }
  const length = /^must NOT have (fewer|more) than (\d+) (characters|items)$/.exec(message);
  if (length) {
    if (length[1] === 'fewer' && length[2] === '1') return 'is required';
    return `must have ${length[1] === 'fewer' ? 'at least' : 'at most'} ${length[2]} ${length[3]}`;
  }
  if (message.startsWith('must match pattern')) return 'is not in the expected format';
  if (message.startsWith('must have required property')) return 'is required';
  if (message === 'must be integer') return 'must be a whole number';
  if (message === 'must NOT have additional properties') return 'is not accepted here';
  return message;
}

function fieldOf(path: string, map: FieldMap): string | undefined {
  const match = Object.keys(map.paths)
    .filter((prefix) => path === prefix || path.startsWith(`${prefix}/`))
    .sort((a, b) => b.length - a.length)[0];
  return match === undefined ? undefined : map.paths[match];
}

/** Sentences for the answers that carry no detail of their own worth showing. */
function sentenceFor(problem: SwitchyardProblem): string {
  const reference = problem.requestId ? ` (reference ${problem.requestId})` : '';
  if (problem.status === 401) return 'Your session has ended. Sign in again to continue.';
  if (problem.status === 403) return 'Your account is not allowed to do this.';
  if (problem.status === 429) {
    const wait = problem.retryAfterSeconds;
    return `Too many requests. Try again${wait ? ` in ${wait} seconds` : ' shortly'}.`;
  }
  if (problem.status >= 500)
    return `The service could not complete this right now. Try again; if it keeps failing, tell the platform team${reference}.`;
  if (problem.detail) return capitalise(problem.detail);
  return `The request was refused (${problem.title})${reference}.`;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Any error a call can end with, as words for the screen: never a stack trace, never raw
 * JSON. A 400's refused fields become messages next to their fields when `map` names them;
 * the others are listed in the sentence.
 */
export function readableError(error: unknown, map: FieldMap = { paths: {} }): ReadableError {
  if (!(error instanceof SwitchyardProblem)) {
    // fetch's TypeError: no answer at all.
    if ((error as { name?: unknown } | null)?.name === 'TypeError')
      return {
        message: 'The server could not be reached. Check the connection and try again.',
        fields: {},
      };
    return {
      message: 'Something went wrong in the console. Reload the page and try again.',
      fields: {},
    };
  }
  const fields: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const refused of error.errors ?? []) {
    const field = fieldOf(refused.path, map);
    if (field === undefined)
      unplaced.push(`${refused.path.replace(/^body\//, '')} ${humanise(refused.message)}`);
    else {
      const humanised = capitalise(humanise(refused.message));
      fields[field] ??= map.messages?.[field]?.(refused.message, humanised) ?? humanised;
    }
  }
  if (Object.keys(fields).length > 0 || unplaced.length > 0) {
    const message =
      unplaced.length > 0
        ? `Some values were refused: ${unplaced.join('; ')}.`
        : 'Some fields need attention.';
    return { message, fields, status: error.status };
  }
  return { message: sentenceFor(error), fields, status: error.status };
}

import type { ProblemDetails } from './api-types.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/**
 * An error answer of the API, thrown by every call of the client: the RFC 9457 problem the
 * API answered (`application/problem+json`), so `status`, `type`, `title`, `detail` and the
 * stable `code` are typed fields. The OAuth token endpoint answers RFC 6749 errors instead
 * (`{ error, error_description }`): they become `code` and `detail`. Any other answer (a proxy's
 * HTML page) keeps only its status, with type `about:blank` as RFC 9457 says.
 */
export class SwitchyardProblem extends Error {
  override name = 'SwitchyardProblem';
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly code: string | undefined;
  /** Quote it to support: it finds the request in our logs. */
  readonly requestId: string | undefined;
  /** For a 400: each field that was refused and why. */
  readonly errors: ProblemDetails['errors'];
  /** Seconds the API asked to wait before retrying (Retry-After), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    problem: Partial<ProblemDetails>,
    options: { retryAfterSeconds?: number; requestId?: string | null } = {},
  ) {
    const title = problem.title ?? `HTTP ${status}`;
    super(problem.detail ? `${status} ${title}: ${problem.detail}` : `${status} ${title}`);
    this.status = status;
    this.type = problem.type ?? 'about:blank';
    this.title = title;
    this.detail = problem.detail;
    this.code = problem.code;
    this.requestId = problem.requestId ?? options.requestId ?? undefined;
    this.errors = problem.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The problem an error answer carries (its body is read). */
  static async fromResponse(response: Response): Promise<SwitchyardProblem> {
    const body: unknown = await response.json().catch(() => undefined);
    const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
    const options = {
      retryAfterSeconds: Number.isFinite(retryAfter) ? retryAfter : undefined,
      requestId: response.headers.get('x-request-id'),
    };
    const media = response.headers.get('content-type') ?? '';
    if (isRecord(body) && media.includes('application/problem+json')) {
      return new SwitchyardProblem(
        response.status,
        {
          type: text(body.type),
          title: text(body.title),
          detail: text(body.detail),
          code: text(body.code),
          requestId: text(body.requestId),
          errors: Array.isArray(body.errors)
            ? (body.errors as ProblemDetails['errors'])
            : undefined,
        },
        options,
      );
    }
    if (isRecord(body) && typeof body.error === 'string') {
      // RFC 6749 section 5.2, from the OAuth token endpoint.
      return new SwitchyardProblem(
        response.status,
        { title: body.error, code: body.error, detail: text(body.error_description) },
        options,
      );
    }
    return new SwitchyardProblem(
      response.status,
      { title: response.statusText || undefined },
      options,
    );
  }
}

import type { OpenApiConformance } from '@switchyard/testing';
import { asCurl, type FuzzRequest } from './requests.js';

export interface Failure {
  request: FuzzRequest;
  status: number;
  problem: string;
  curl: string;
}

/** The tally of a run: statuses, and each kind of failure. */
export class Tally {
  requests = 0;
  byStatus: Record<string, number> = {};
  serverErrors = 0;
  undocumentedStatuses = 0;
  schemaMismatches = 0;
  notProblemJson = 0;
  /** A step of a sequence answered outside what it must (another user's order: 404). */
  wrongOutcomes = 0;
  failures: Failure[] = [];
}

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Send one request and judge the answer as an integrator's tooling would: never a 5xx, every
 * status documented for the operation, every body valid against its documented schema, every
 * error an RFC 9457 problem+json; and, when given, one of the statuses this step must get.
 */
export async function exchange(
  gatewayUrl: string,
  request: FuzzRequest,
  conformance: OpenApiConformance,
  tally: Tally,
  mustBe?: number[],
): Promise<Answer> {
  const response = await fetch(gatewayUrl + request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  tally.requests++;
  tally.byStatus[response.status] = (tally.byStatus[response.status] ?? 0) + 1;
  const contentType = response.headers.get('content-type');
  let problem = conformance.check({
    method: request.method,
    target: request.path,
    status: response.status,
    contentType,
    body,
  });
  const what = `${request.method} ${request.path} → ${response.status}`;
  if (response.status >= 500) {
    tally.serverErrors++;
    problem = `${response.status}: ${text.slice(0, 300)}`;
  } else if (problem?.includes('status not documented')) tally.undocumentedStatuses++;
  else if (problem?.includes('does not match')) tally.schemaMismatches++;
  else if (
    response.status >= 400 &&
    !/^application\/problem\+json/.test(contentType ?? '') &&
    // RFC 6749 §5.2: the OAuth token endpoint answers errors as application/json
    // {"error": …}, which OAuth clients parse; the document says so for that operation.
    !request.path.startsWith('/oauth/token')
  ) {
    tally.notProblemJson++;
    problem = `${what}: an error answered as ${contentType}, not application/problem+json`;
  } else if (mustBe && !mustBe.includes(response.status)) {
    tally.wrongOutcomes++;
    problem = `${what}: expected ${mustBe.join(' or ')}`;
  }
  if (problem)
    tally.failures.push({
      request,
      status: response.status,
      problem,
      curl: asCurl(gatewayUrl, request),
    });
  return { status: response.status, body };
}

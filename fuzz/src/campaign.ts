import fc from 'fast-check';
import { OpenApiConformance } from '@switchyard/testing';
import { operationsOf, type OpenApiDocument } from './operations.js';
import { asCurl, requestsFor, type FuzzContext, type FuzzRequest } from './requests.js';

export interface CampaignOptions {
  gatewayUrl: string;
  context: FuzzContext;
  requests: number;
  seed: number;
  /** Requests in flight at once. */
  concurrency?: number;
}

export interface Failure {
  request: FuzzRequest;
  status: number;
  problem: string;
  curl: string;
}

export interface CampaignResult {
  seed: number;
  requests: number;
  operations: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  undocumentedStatuses: number;
  schemaMismatches: number;
  failures: Failure[];
  durationMs: number;
}

/**
 * Send `requests` requests drawn (reproducibly, from `seed`) over every operation of the
 * gateway's OpenAPI document, and judge each answer: a 5xx is a failure; so is a status the
 * document does not list for the operation, or a body that does not match its schema.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const document = (await (
    await fetch(`${options.gatewayUrl}/docs/json`)
  ).json()) as OpenApiDocument;
  const conformance = new OpenApiConformance(document as never);
  const operations = operationsOf(document);
  const all = fc.oneof(...operations.map((op) => requestsFor(op, document, options.context)));
  const requests = fc.sample(all, { seed: options.seed, numRuns: options.requests });

  const byStatus: Record<string, number> = {};
  const failures: Failure[] = [];
  let serverErrors = 0;
  let undocumentedStatuses = 0;
  let schemaMismatches = 0;
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++]!;
      const response = await fetch(options.gatewayUrl + request.path, {
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
      byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
      let problem = conformance.check({
        method: request.method,
        target: request.path,
        status: response.status,
        contentType: response.headers.get('content-type'),
        body,
      });
      if (response.status >= 500) {
        serverErrors++;
        problem = `${response.status}: ${text.slice(0, 300)}`;
      } else if (problem?.includes('status not documented')) undocumentedStatuses++;
      else if (problem?.includes('does not match')) schemaMismatches++;
      if (problem)
        failures.push({
          request,
          status: response.status,
          problem,
          curl: asCurl(options.gatewayUrl, request),
        });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return {
    seed: options.seed,
    requests: requests.length,
    operations: operations.length,
    byStatus,
    serverErrors,
    undocumentedStatuses,
    schemaMismatches,
    failures,
    durationMs: Date.now() - started,
  };
}

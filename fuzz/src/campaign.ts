import fc from 'fast-check';
import { OpenApiConformance } from '@switchyard/testing';
import { operationsOf, type OpenApiDocument } from './operations.js';
import { exchange, Tally, type Failure } from './judge.js';
import { requestsFor, type FuzzContext } from './requests.js';
import { runSequences } from './sequences.js';

export type { Failure };

export interface CampaignOptions {
  gatewayUrl: string;
  context: FuzzContext;
  requests: number;
  seed: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Stateful sequences after the single requests (default: one per 50 requests). */
  sequences?: number;
}

export interface CampaignResult {
  seed: number;
  requests: number;
  operations: number;
  sequences: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  undocumentedStatuses: number;
  schemaMismatches: number;
  notProblemJson: number;
  wrongOutcomes: number;
  failures: Failure[];
  durationMs: number;
}

/**
 * Send `requests` requests drawn (reproducibly, from `seed`) over every operation of the
 * gateway's OpenAPI document, then stateful sequences (create, act on it, act as someone
 * else), and judge each answer: a 5xx is a failure; so is a status the document does not list
 * for the operation, a body that does not match its schema, an error that is not
 * problem+json, or a step that gets what it must not (another customer's order).
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

  const tally = new Tally();
  // Sequences first: single requests include admins disabling the very users the sequences
  // act as (a fuzzed PATCH on a known user id), after which every step would be a 401.
  const sequences = await runSequences({
    gatewayUrl: options.gatewayUrl,
    context: options.context,
    conformance,
    tally,
    count: options.sequences ?? Math.ceil(options.requests / 50),
    seed: options.seed,
  });
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      await exchange(options.gatewayUrl, requests[next++]!, conformance, tally);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));

  return {
    seed: options.seed,
    requests: tally.requests,
    operations: operations.length,
    sequences,
    byStatus: tally.byStatus,
    serverErrors: tally.serverErrors,
    undocumentedStatuses: tally.undocumentedStatuses,
    schemaMismatches: tally.schemaMismatches,
    notProblemJson: tally.notProblemJson,
    wrongOutcomes: tally.wrongOutcomes,
    failures: tally.failures,
    durationMs: Date.now() - started,
  };
}

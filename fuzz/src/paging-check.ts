import { OpenApiConformance } from '@switchyard/testing';
import { exchange, Tally } from './judge.js';
import { listOperations, pagingProbes, pagingViolations } from './list-paging.js';
import type { OpenApiDocument } from './operations.js';
import type { FuzzContext } from './requests.js';

export interface PagingCheck {
  /** How many lists the gateway's document has. */
  lists: number;
  /** Each break of the paging contract: in the document, or in an answer. */
  failures: string[];
}

/**
 * Hold every list the gateway publishes to one paging contract (docs/api-guide.md): its
 * documented shape (`{items, nextCursor}`, `limit` 1–100, `cursor`), and its answers — a
 * limit of 101 or 0 is a 400 problem+json, never a longer page.
 */
export async function checkListPaging(
  gatewayUrl: string,
  context: FuzzContext,
): Promise<PagingCheck> {
  const document = (await (await fetch(`${gatewayUrl}/docs/json`)).json()) as OpenApiDocument;
  const conformance = new OpenApiConformance(document as never);
  const tally = new Tally();
  for (const probe of pagingProbes(document, context.tokens.admin))
    await exchange(gatewayUrl, probe, conformance, tally, [400]);
  return {
    lists: listOperations(document).length,
    failures: [
      ...pagingViolations(document),
      ...tally.failures.map((f) => `${f.problem}\n  ${f.curl}`),
    ],
  };
}

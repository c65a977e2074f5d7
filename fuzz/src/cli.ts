// pnpm fuzz [--requests N] [--seed S]: the long schema-driven fuzz run against a platform it
// starts itself (loopback only). Prints the figures, writes them to fuzz/results/latest.json,
// prints a curl command for each failure, checks every list pages alike (paging-check.ts), and
// exits 1 if any request or list failed.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, startPlatform } from '@switchyard/testing';
import { runCampaign } from './campaign.js';
import { checkListPaging } from './paging-check.js';
import { prepareContext } from './prepare.js';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '10000' }, seed: { type: 'string' } },
});
const requests = Number(values.requests);
const seed = values.seed ? Number(values.seed) : Date.now() % 2_147_483_647;

console.log(`[fuzz] starting the platform; ${requests} requests, seed ${seed}`);
// Sequences register webhook endpoints on loopback (deliveries to a closed port, harmless).
const platform = await startPlatform({
  logLevel: 'warn',
  env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' },
});
let failed = false;
try {
  const context = await prepareContext(platform);
  // Before the campaign, whose fuzzed admin requests may disable the admin this acts as.
  const paging = await checkListPaging(platform.gatewayUrl, context);
  const result = await runCampaign({ gatewayUrl: platform.gatewayUrl, context, requests, seed });
  const summary = { ...result, failures: result.failures.slice(0, 50) };
  const file = path.join(repoRoot(), 'fuzz/results/latest.json');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ at: new Date().toISOString(), ...summary }, null, 2));
  console.log(
    `[fuzz] ${result.requests} requests over ${result.operations} operations and ${result.sequences} stateful sequences ` +
      `in ${Math.round(result.durationMs / 1000)} s: ${result.serverErrors} 5xx, ` +
      `${result.undocumentedStatuses} undocumented statuses, ${result.schemaMismatches} schema mismatches, ` +
      `${result.notProblemJson} errors not problem+json, ${result.wrongOutcomes} wrong outcomes`,
  );
  console.log(`[fuzz] statuses: ${JSON.stringify(result.byStatus)}`);
  for (const f of result.failures.slice(0, 20))
    console.log(`[fuzz] FAIL ${f.problem}\n  ${f.curl}`);
  console.log(`[fuzz] figures written to ${path.relative(process.cwd(), file)}`);
  console.log(`[fuzz] ${paging.lists} lists, ${paging.failures.length} paging failures`);
  for (const f of paging.failures) console.log(`[fuzz] FAIL ${f}`);
  failed = result.failures.length > 0 || paging.failures.length > 0;
} finally {
  await platform.stop();
}
process.exit(failed ? 1 : 0);

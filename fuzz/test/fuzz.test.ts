import { startPlatform, type Platform } from '@switchyard/testing';
import { runCampaign } from '../src/campaign.js';
import { checkListPaging } from '../src/paging-check.js';
import { prepareContext } from '../src/prepare.js';
import type { FuzzContext } from '../src/requests.js';

/**
 * The short, seeded fuzz run CI makes on every change (`pnpm fuzz` makes the long one): every
 * operation of the published API, valid and hostile requests, through the real gateway.
 */
describe('schema-driven fuzzing through the gateway', () => {
  let platform: Platform;
  let context: FuzzContext;
  beforeAll(async () => {
    platform = await startPlatform({
      logLevel: 'warn',
      env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' },
    });
    context = await prepareContext(platform);
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  // First: the campaign's fuzzed admin requests may disable the admin these probes act as.
  it('holds every list to one paging contract: {items, nextCursor}, limit 1–100, cursor', async () => {
    const paging = await checkListPaging(platform.gatewayUrl, context);
    expect(paging.lists).toBeGreaterThanOrEqual(10);
    expect(paging.failures).toEqual([]);
  });

  it('gets no 5xx, no undocumented status and no schema mismatch', async () => {
    const result = await runCampaign({
      gatewayUrl: platform.gatewayUrl,
      context,
      requests: Number(process.env.FUZZ_REQUESTS ?? 600),
      seed: Number(process.env.FUZZ_SEED ?? 20261130),
    });
    console.log(
      `fuzz: ${result.requests} requests (${result.sequences} sequences), statuses ${JSON.stringify(result.byStatus)}, ${result.failures.length} failures`,
    );
    expect(result.failures.map((f) => `${f.problem}\n  ${f.curl}`)).toEqual([]);
  });
});

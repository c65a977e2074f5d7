import { startPlatform, type Platform } from '@switchyard/testing';
import { runCampaign } from '../src/campaign.js';
import { prepareContext } from '../src/prepare.js';

/**
 * The short, seeded fuzz run CI makes on every change (`pnpm fuzz` makes the long one): every
 * operation of the published API, valid and hostile requests, through the real gateway.
 */
describe('schema-driven fuzzing through the gateway', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({
      logLevel: 'warn',
      env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32' },
    });
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  it('gets no 5xx, no undocumented status and no schema mismatch', async () => {
    const context = await prepareContext(platform);
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

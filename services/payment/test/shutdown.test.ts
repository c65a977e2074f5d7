import path from 'node:path';
import { buildSandbox, SandboxConfig } from '@switchyard/payment-sandbox';
import { loadConfig } from '@switchyard/service-kit';
import {
  freePort,
  publishEvent,
  queryDb,
  setupServiceTest,
  startProcess,
  waitFor,
  waitForHttp,
  type RunningProcess,
  type ServiceTestContext,
} from '@switchyard/testing';
import { orderCreated, sandboxApiKey, serviceDir, webhookSecret } from './support.js';

/**
 * SIGTERM while a charge is in flight with a provider that takes a minute: the process must
 * not sit out its grace and be killed. It abandons the call (the message stays uncommitted),
 * leaves the consumer group, flushes the outbox and exits 0 — and the next replica charges the
 * order exactly once.
 */
describe('payment service shutdown with slow work in flight', () => {
  let ctx: ServiceTestContext;
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
  let sandboxUrl: string;
  const processes: RunningProcess[] = [];

  beforeAll(async () => {
    ctx = await setupServiceTest({
      service: 'payment',
      migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    });
    const sandboxPort = await freePort();
    sandbox = await buildSandbox(
      loadConfig(SandboxConfig, {
        PORT: String(sandboxPort),
        LOG_LEVEL: 'silent',
        SANDBOX_API_KEY: sandboxApiKey,
        SANDBOX_WEBHOOK_SECRET: webhookSecret,
        SANDBOX_SLOW_MS: '60000',
      }),
    );
    await sandbox.listen({ port: sandboxPort, host: '127.0.0.1' });
    sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  });
  afterAll(async () => {
    for (const p of processes) await p.stop('SIGKILL');
    await sandbox.close();
    await ctx.teardown();
  });

  const paymentStatus = async (orderId: string) =>
    (
      await queryDb<{ status: string }>(
        ctx.databaseUrl,
        'SELECT status FROM payments WHERE order_id = $1',
        [orderId],
      )
    )[0]?.status;

  const startReplica = async (env: Record<string, string> = {}) => {
    const port = await freePort();
    const replica = startProcess('payment', process.execPath, ['dist/server.js'], {
      cwd: serviceDir,
      env: {
        ...ctx.env,
        LOG_LEVEL: 'info',
        PORT: String(port),
        PROVIDER_URL: sandboxUrl,
        PROVIDER_API_KEY: sandboxApiKey,
        PROVIDER_WEBHOOK_SECRET: webhookSecret,
        PROVIDER_TIMEOUT_MS: '90000',
        PROVIDER_CALL_BUDGET_MS: '90000',
        KAFKA_REBALANCE_TIMEOUT_MS: '120000',
        ...env,
      },
    });
    processes.push(replica);
    await waitForHttp(`http://127.0.0.1:${port}/readyz`);
    return replica;
  };

  it('exits 0 well inside its grace, and the order is charged once by the next replica', async () => {
    const first = await startReplica();
    const event = orderCreated('pm_card_slow');
    await publishEvent(ctx.namespace, event);
    // The charge request is at the (slow) provider now.
    await waitFor(async () => (await paymentStatus(event.data.orderId)) === 'pending', {
      what: 'the charge under way',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const signalledAt = Date.now();
    const code = await first.stop('SIGTERM');
    const tookMs = Date.now() - signalledAt;
    expect(code).toBe(0);
    expect(first.output()).toMatch(/left the consumer group/);
    expect(first.output()).toMatch(/shut down cleanly/);
    console.log(`shutdown with a charge in flight took ${tookMs} ms`);

    // The next replica gets the uncommitted message; the slow card now answers quickly.
    await sandbox.close();
    sandbox = await buildSandbox(
      loadConfig(SandboxConfig, {
        PORT: new URL(sandboxUrl).port,
        LOG_LEVEL: 'silent',
        SANDBOX_API_KEY: sandboxApiKey,
        SANDBOX_WEBHOOK_SECRET: webhookSecret,
        SANDBOX_SLOW_MS: '100',
      }),
    );
    await sandbox.listen({ port: Number(new URL(sandboxUrl).port), host: '127.0.0.1' });
    await startReplica();
    await waitFor(async () => (await paymentStatus(event.data.orderId)) === 'succeeded', {
      timeoutMs: 30_000,
      what: 'charged by the next replica',
    });
  });
});

import { availabilityPerFault, type FaultAvailability } from './availability.js';
import { BillingClockDriver } from './billing-clock.js';
import { faultSchedule, injectFaults, type InjectedFault } from './faults.js';
import { queryDb } from '@switchyard/testing';
import { checkBilling } from './invariants/billing.js';
import type { CheckResult } from './invariants/check.js';
import { checkLockout } from './invariants/lockout.js';
import { checkOrders } from './invariants/orders.js';
import { checkEverything } from './invariants/index.js';
import { brokerOutage, type OutageResult } from './outage.js';
import { replayEverything, type ReplayResult } from './replay.js';
import { waitForQuiescence } from './settle.js';
import { REPLICAS, standUp } from './stand.js';
import { runSubscriptionWorkload } from './subscribers.js';
import { runWorkload } from './workload.js';

export interface ChaosOptions {
  orders: number;
  /** Customers who subscribe; their subscriptions renew during the faults. */
  subscribers: number;
  /** Every replica killed in turn (the full run), or one fault of each kind (CI). */
  full: boolean;
  concurrency: number;
  seed: number;
  replay: boolean;
  outage: boolean;
  outageMs: number;
  log: (line: string) => void;
}

export interface ChaosReport {
  startedAt: string;
  options: Omit<ChaosOptions, 'log'>;
  orders: {
    accepted: number;
    outOfStock: number;
    abandoned: number;
    requests: number;
    failedRequests: number;
  };
  subscriptions: { accepted: number; abandoned: number; clockSteps: number };
  faults: InjectedFault[];
  availability: FaultAvailability[];
  /** From the end of the last fault (and of the orders) until nothing moved any more. */
  settledAfterMs: number | null;
  restarts: Record<string, number>;
  checks: CheckResult[];
  replay?: ReplayResult;
  outage?: Omit<OutageResult, 'acceptedIds'>;
  ok: boolean;
}

const BROKER_DOWN_MS = 20_000;
/** Longer than the consumers' 10 s session timeout: the group moves on without the paused one. */
const PAUSE_MS = 25_000;
const BROKER_START_MS = 20_000;
const RECOVERY_ALLOWANCE_MS = 10_000;

/**
 * The chaos run: the platform as real processes (two replicas of each consuming service) on
 * infrastructure of its own, orders flowing through the gateway while faults are injected,
 * then quiescence and every invariant; optionally a full replay and a broker outage.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const startedAt = new Date().toISOString();
  const stand = await standUp(log);
  const { infrastructure, platform, receiver, actors, data, kafka } = stand;
  try {
    // The full run leaves each fault time to recover before the next, so that its figures are
    // its own; the short one (CI) packs them closer.
    const gapMs = options.full ? 15_000 : 8_000;
    const clock = new BillingClockDriver(platform.gatewayUrl, actors.admin);
    const faults = faultSchedule(platform, infrastructure, {
      full: options.full,
      brokerDownMs: BROKER_DOWN_MS,
      pauseMs: PAUSE_MS,
      renewals: { clock, billingDb: data.databases.billing },
    });
    // Spread the orders over the faults, so that every fault meets traffic: each fault lasts
    // its gap, its own time and the recovery awaited after it (~10 s); a broker takes about
    // 20 s to start again on this machine.
    const faultsMs =
      faults.length * (gapMs + 2_000 + RECOVERY_ALLOWANCE_MS) +
      BROKER_DOWN_MS +
      BROKER_START_MS +
      PAUSE_MS * faults.filter((f) => f.kind === 'pause_consumer').length;
    const ratePerSecond = Math.max(1, options.orders / ((1.2 * faultsMs + gapMs) / 1000));
    log(
      `${options.orders} orders at ${ratePerSecond.toFixed(1)}/s; ${faults.length} faults over ~${Math.round(faultsMs / 1000)} s`,
    );
    receiver.failUntil(Date.now() + 45_000);
    const [workload, injected, subscriptions] = await Promise.all([
      runWorkload({
        gatewayUrl: platform.gatewayUrl,
        actors,
        orders: options.orders,
        ratePerSecond,
        concurrency: options.concurrency,
        seed: options.seed,
      }),
      injectFaults(faults, {
        gapMs,
        log,
        paidSince: async (since) =>
          (
            await queryDb(
              data.databases.order,
              `SELECT 1 FROM orders o JOIN order_status_changes c ON c.order_id = o.id
                WHERE o.created_at > $1 AND c.to_status = 'paid' LIMIT 1`,
              [new Date(since)],
            )
          ).length > 0,
      }),
      // The billing fault moves billing's clock early in the schedule (renewals as a replica
      // dies); this second move, late in it, renews again under the faults that follow.
      runSubscriptionWorkload({
        gatewayUrl: platform.gatewayUrl,
        actors,
        clock,
        subscribers: options.subscribers,
        advanceAt: Date.now() + 0.7 * faultsMs,
        log,
      }),
    ]);
    const quietFrom = Math.max(workload.endedAt, injected.at(-1)?.endedAt ?? 0);
    log(`orders done: ${workload.placed.length} accepted; waiting for quiescence`);
    const settled = await waitForQuiescence(
      data,
      kafka,
      platform.namespace,
      workload.placed.map((o) => o.id),
      300_000,
    );
    const settledAfterMs = settled.afterMs === null ? null : Date.now() - quietFrom;
    if (settled.afterMs === null) log(`not quiet after 5 min: ${JSON.stringify(settled.lastSeen)}`);

    log('checking the invariants');
    const checks = [
      ...(await checkEverything(data, kafka, platform.namespace, receiver, workload.placed, {
        ids: subscriptions.subscribed.map((s) => s.id),
        clockSteps: clock.steps,
      })),
      await checkLockout(platform.gatewayUrl, platform.serviceUrl('order', 1), actors.disabled),
    ];
    const availability = await availabilityPerFault(
      injected,
      workload.requests,
      data.databases.order,
      workload.endedAt,
      workload.placed,
      checks,
    );
    const report: ChaosReport = {
      startedAt,
      options: { ...options, log: undefined } as unknown as ChaosReport['options'],
      orders: {
        accepted: workload.placed.length,
        outOfStock: workload.outOfStock,
        abandoned: workload.abandoned,
        requests: workload.requests.length,
        failedRequests: workload.requests.filter(
          (r) => typeof r.status !== 'number' || r.status >= 500,
        ).length,
      },
      subscriptions: {
        accepted: subscriptions.subscribed.length,
        abandoned: subscriptions.abandoned,
        clockSteps: clock.steps,
      },
      faults: injected,
      availability,
      settledAfterMs,
      restarts: platform.restarts(),
      checks,
      ok: false,
    };
    delete (report.options as { log?: unknown }).log;

    if (options.replay) {
      log('replay: every consumer group back to offset 0');
      report.replay = await replayEverything(platform, kafka, data, REPLICAS);
      log(
        `replay: ${report.replay.replayedMessages} messages again, ${report.replay.changedTables.length} tables changed`,
      );
      for (const check of await checkBilling(data))
        report.checks.push({ ...check, name: `after the replay: ${check.name}` });
    }
    if (options.outage) {
      log(`broker outage: Kafka stopped for ${options.outageMs / 1000} s while orders come in`);
      const { acceptedIds, ...outage } = await brokerOutage(
        platform,
        infrastructure.kafka,
        kafka,
        actors,
        data,
        options.outageMs,
      );
      report.outage = outage;
      const outageOrders = await checkOrders(
        data.databases.order,
        acceptedIds.map((id) => ({
          id,
          scenario: 'paid',
          userId: '',
          placedAt: 0,
          expected: ['paid'],
        })),
      );
      report.checks.push({
        ...outageOrders,
        name: 'broker outage: orders accepted meanwhile all paid',
      });
      log(
        `broker outage: ${outage.accepted}/${outage.attempted} accepted, drained in ${outage.drainMs} ms`,
      );
    }
    report.ok =
      report.checks.every((c) => c.ok) &&
      settledAfterMs !== null &&
      (!report.replay || report.replay.changedTables.length === 0);
    return report;
  } finally {
    await stand.stop();
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Platform } from '@switchyard/testing';
import type { BillingClockDriver } from './billing-clock.js';
import type { OwnInfrastructure } from './infrastructure/index.js';
import { killMidRenewal } from './renewal-jobs.js';

export interface Fault {
  name: string;
  kind:
    | 'kill_replica'
    | 'kill_gateway'
    | 'kill_sandbox'
    | 'kill_broker'
    | 'restart_postgres'
    | 'restart_redis'
    | 'pause_consumer';
  /** Injects the fault; may say how it went (logged with it). */
  run(): Promise<void | string>;
}

/** A fault as it happened: when it was injected and when it was over (the target back). */
export interface InjectedFault {
  name: string;
  kind: Fault['kind'];
  injectedAt: number;
  endedAt: number;
  error?: string;
}

const SERVICES = ['order', 'payment', 'notification', 'billing'] as const;

/**
 * The faults of a run, in order. The full run kills every replica in turn; the short one (CI)
 * injects one fault of each kind. Both kill a billing replica in the middle of renewals.
 */
export function faultSchedule(
  platform: Platform,
  infrastructure: OwnInfrastructure,
  options: {
    full: boolean;
    brokerDownMs: number;
    pauseMs: number;
    /** Billing's clock and database: the renewal fault moves the one and watches the other. */
    renewals: { clock: BillingClockDriver; billingDb: string };
  },
): Fault[] {
  const kill = (service: (typeof SERVICES)[number] | 'auth', index: number): Fault => ({
    name: `kill -9 ${service} replica ${index}`,
    kind: 'kill_replica',
    run: async () => {
      await platform.kill(service, index);
    },
  });
  const pause = (service: (typeof SERVICES)[number], index: number): Fault => ({
    name: `SIGSTOP ${service} replica ${index} for ${options.pauseMs / 1000} s`,
    kind: 'pause_consumer',
    run: async () => {
      platform.signal(service, index, 'SIGSTOP');
      await sleep(options.pauseMs);
      platform.signal(service, index, 'SIGCONT');
    },
  });
  // Every subscription's period ends at once (the clock a month ahead); the replica that runs
  // the sweep starts on the renewals and is killed while one is half-way (killMidRenewal).
  const killRenewing = (index: number): Fault => ({
    name: `kill -9 billing replica ${index} mid-renewal`,
    kind: 'kill_replica',
    run: async () => {
      const waiting = await killMidRenewal(
        options.renewals.billingDb,
        () => options.renewals.clock.advance(platform.serviceUrl('billing', index)),
        async () => {
          await platform.kill('billing', index);
        },
      );
      return `${waiting} renewal transactions half-way at the kill`;
    },
  });
  const other: Fault[] = [
    {
      name: 'kill -9 gateway',
      kind: 'kill_gateway',
      run: async () => {
        await platform.kill('gateway', 0);
      },
    },
    {
      name: `kill -9 Kafka broker, back after ${options.brokerDownMs / 1000} s`,
      kind: 'kill_broker',
      run: async () => {
        await infrastructure.kafka.kill();
        await sleep(options.brokerDownMs);
        await infrastructure.kafka.start();
      },
    },
    {
      name: 'PostgreSQL crash (immediate stop) and restart after 5 s',
      kind: 'restart_postgres',
      run: () => infrastructure.postgres.crashAndRestart(5_000),
    },
    {
      name: 'Redis kill -9 and restart (empty) after 3 s',
      kind: 'restart_redis',
      run: () => infrastructure.redis.crashAndRestart(3_000),
    },
    {
      name: 'kill -9 payment-provider sandbox',
      kind: 'kill_sandbox',
      run: async () => {
        await platform.kill('payment-sandbox', 0);
      },
    },
  ];
  if (!options.full)
    return [kill('payment', 0), killRenewing(0), ...other, pause('notification', 1)];
  return [
    ...SERVICES.flatMap((s) => [kill(s, 1), kill(s, 0)]),
    killRenewing(1),
    kill('auth', 0),
    ...other,
    pause('payment', 1),
    pause('notification', 0),
  ];
}

/**
 * Inject each fault in turn and log each with its timestamps. Before the next one, wait for
 * the platform to have recovered from the last (an order placed after it was paid; at most
 * 90 s), then `gapMs` more: each fault's figures are its own, not its predecessor's.
 */
export async function injectFaults(
  faults: Fault[],
  options: {
    gapMs: number;
    log: (line: string) => void;
    /** Whether an order placed after `since` (ms since epoch) has been paid. */
    paidSince: (since: number) => Promise<boolean>;
  },
): Promise<InjectedFault[]> {
  const done: InjectedFault[] = [];
  for (const fault of faults) {
    const previous = done.at(-1);
    if (previous) {
      const deadline = Date.now() + 90_000;
      while (
        Date.now() < deadline &&
        !(await options.paidSince(previous.endedAt).catch(() => false))
      )
        await sleep(500);
    }
    await sleep(options.gapMs);
    const injectedAt = Date.now();
    options.log(`${new Date(injectedAt).toISOString()} fault: ${fault.name}`);
    let error: string | undefined;
    try {
      const note = await fault.run();
      if (note) options.log(`  ${note}`);
    } catch (e) {
      error = (e as Error).message;
      options.log(`  the fault itself failed: ${error}`);
    }
    const endedAt = Date.now();
    options.log(`${new Date(endedAt).toISOString()} over: ${fault.name}`);
    done.push({ name: fault.name, kind: fault.kind, injectedAt, endedAt, error });
  }
  return done;
}

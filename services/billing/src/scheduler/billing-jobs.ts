import PgBoss from 'pg-boss';
import type { Logger } from '@switchyard/messaging';
import type { BillingClock } from '../clock/billing-clock.js';
import type { Db } from '../db.js';
import { findDueSubscriptions } from '../subscriptions/find-due.js';
import { lockSubscription } from '../subscriptions/lock-subscription.js';
import { runDueStep, type RenewalStep } from '../subscriptions/renewals.js';

const SWEEP = 'billing-sweep';
const RENEW = 'billing-renew';

export interface BillingJobsOptions {
  db: Db;
  clock: BillingClock;
  logger: Logger;
  /** When the sweep runs (cron, UTC): BILLING_SWEEP_CRON. */
  sweepCron: string;
  /** How often an idle worker looks for jobs another replica queued. */
  pollingIntervalSeconds: number;
  /** After a commit that wrote events: wake the outbox relay. */
  committed: () => void;
}

/** The renewal queue: one waiting job per subscription, retried with backoff on its own. */
const RENEW_QUEUE = {
  // `short`: at most one *queued* job per subscription; a running one does not count. Not
  // `stately` (one queued and one running): a replica killed mid-job leaves its job active
  // until it expires (15 min), and pg-boss then fails every fetch of the queue on its unique
  // index — every subscription's renewal waited for that one (the chaos run found it).
  policy: 'short',
  retryLimit: 8,
  retryDelay: 15,
  retryBackoff: true,
} as const;

/**
 * Renewals and dunning on pg-boss (ADR 17): a cron job, run once per tick across all replicas,
 * finds what is due and queues one job per subscription (`short`: one waiting job per
 * subscription), and a failing one is retried with backoff on its own without holding the
 * others up. Exactly-once per period does not rest on the queue: each job locks the
 * subscription and the charge table's unique indexes refuse a second charge.
 */
export class BillingJobs {
  private boss: PgBoss;
  private renewWorker: string | null = null;
  private starting: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(private readonly options: BillingJobsOptions) {
    this.boss = this.createBoss();
  }

  private createBoss(): PgBoss {
    // pg-boss runs its statements on billing's own pool (its tables live in schema `pgboss`).
    const boss = new PgBoss({
      db: { executeSql: (text, values) => this.options.db.pool.query(text, values) },
      schema: 'pgboss',
      // Completed jobs are kept a day, for the record, then pruned by pg-boss itself.
      deleteAfterDays: 1,
    });
    boss.on('error', (error) => this.options.logger.error({ err: error }, 'pg-boss failed'));
    return boss;
  }

  /**
   * Start in the background: the API serves meanwhile, and a database that is not there yet
   * is waited for (retried every few seconds) instead of failing the start.
   */
  startInBackground(retryMs = 5_000): void {
    this.starting = (async () => {
      while (!this.stopping) {
        try {
          await this.start();
          return;
        } catch (error) {
          this.options.logger.warn({ err: error }, 'billing jobs could not start; retrying');
          // A pg-boss that failed half-way will not start again: the next try gets a new one.
          await this.boss.stop({ graceful: false, close: false }).catch(() => undefined);
          this.boss = this.createBoss();
          await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
        }
      }
    })();
  }

  async start(): Promise<void> {
    await this.boss.start();
    await this.boss.createQueue(SWEEP, { name: SWEEP, policy: 'singleton', retryLimit: 0 });
    await this.boss.createQueue(RENEW, { name: RENEW, ...RENEW_QUEUE });
    // createQueue leaves a queue that exists as it was: one made by an earlier version is
    // brought to this policy (jobs queued from now on follow it).
    await this.boss.updateQueue(RENEW, { name: RENEW, ...RENEW_QUEUE });
    await this.boss.schedule(SWEEP, this.options.sweepCron, {}, { tz: 'UTC' });
    const polling = { pollingIntervalSeconds: this.options.pollingIntervalSeconds };
    await this.boss.work(SWEEP, polling, async () => {
      await this.sweep();
    });
    this.renewWorker = await this.boss.work<{ subscriptionId: string }>(
      RENEW,
      { ...polling, batchSize: 1 },
      async ([job]) => {
        if (!job) return;
        await this.runDue(job.data.subscriptionId);
        // The next job at once, not after a poll interval: a sweep queues many. The worker
        // polls again at its interval when a fetch comes back empty.
        if (this.renewWorker) this.boss.notifyWorker(this.renewWorker);
      },
    );
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.boss.stop({ graceful: true, wait: true, close: false, timeout: 10_000 });
  }

  /** Queue a renewal job for every subscription with something due; how many were due. */
  async sweep(): Promise<number> {
    const now = await this.options.clock.now();
    const due = await findDueSubscriptions(this.options.db, now);
    for (const subscriptionId of due) {
      await this.boss.send(RENEW, { subscriptionId }, { singletonKey: subscriptionId });
    }
    if (due.length > 0 && this.renewWorker) this.boss.notifyWorker(this.renewWorker);
    return due.length;
  }

  /**
   * Whatever is due for one subscription, in one transaction under its row lock. A
   * subscription another replica holds is skipped: that replica is doing it.
   */
  async runDue(subscriptionId: string): Promise<RenewalStep> {
    const now = await this.options.clock.now();
    const step = await this.options.db.$transaction(async (tx) => {
      const sub = await lockSubscription(tx, subscriptionId, { skipLocked: true });
      return sub ? runDueStep(tx, sub, now) : 'not_due';
    });
    if (step !== 'not_due') {
      this.options.committed();
      this.options.logger.info({ subscriptionId, step }, 'subscription due step');
    }
    return step;
  }
}

import { readOutboxStats } from './outbox-stats.js';
import type { OutboxMetrics } from './outbox-metrics.js';
import type { SqlClient } from './sql-client.js';

/**
 * The outbox's upkeep, each at most at its own interval: the gauges (oldest pending row,
 * parked rows) and the pruning of published rows past their retention.
 */
export class OutboxUpkeep {
  private lastPrune = 0;
  private lastGauges = 0;

  constructor(
    private readonly options: {
      db: SqlClient;
      metrics: OutboxMetrics;
      /** Published rows are deleted this long after publication. */
      retentionHours: number;
      gaugeIntervalMs?: number;
      pruneIntervalMs?: number;
    },
  ) {}

  async runIfDue(): Promise<void> {
    if (Date.now() - this.lastGauges >= (this.options.gaugeIntervalMs ?? 5_000)) {
      this.lastGauges = Date.now();
      await this.updateGauges();
    }
    if (Date.now() - this.lastPrune >= (this.options.pruneIntervalMs ?? 60_000)) {
      this.lastPrune = Date.now();
      await this.prune();
    }
  }

  private async updateGauges(): Promise<void> {
    const stats = await readOutboxStats(this.options.db);
    this.options.metrics.oldestPendingAge.set(stats.oldestAgeSeconds);
    this.options.metrics.parkedRows.set(stats.parked);
  }

  /** Delete rows published longer ago than the retention (they may carry personal data). */
  private async prune(): Promise<void> {
    await this.options.db.$executeRawUnsafe(
      `DELETE FROM outbox_events WHERE published_at < now() - make_interval(hours => $1)`,
      this.options.retentionHours,
    );
  }
}

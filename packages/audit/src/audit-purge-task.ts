import { PeriodicTask } from '@switchyard/service-kit';
import { purgeExpiredAuditEvents } from './purge-audit-events.js';
import type { AuditDb } from './sql-client.js';

/**
 * A service's retention purge (AuditEnv's settings). Every replica runs it; one purger per
 * stream at a time (an advisory lock), and a pass with nothing past retention is one indexed
 * read per stream.
 */
export function auditPurgeTask(options: {
  db: AuditDb;
  config: { AUDIT_RETENTION_DAYS: number; AUDIT_PURGE_INTERVAL_MS: number };
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}): PeriodicTask {
  const { db, config, logger } = options;
  return new PeriodicTask({
    name: 'audit purge',
    intervalMs: config.AUDIT_PURGE_INTERVAL_MS,
    run: async () => {
      const purged = await purgeExpiredAuditEvents(db, {
        retentionDays: config.AUDIT_RETENTION_DAYS,
      });
      if (purged) logger.info({ purged }, 'audit entries past retention purged');
    },
    logger,
  });
}

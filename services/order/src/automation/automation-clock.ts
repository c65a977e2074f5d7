import type pg from 'pg';

/**
 * The automations' notion of now. A day's report runs at a cron time; tests cannot wait for
 * it, so with AUTOMATION_TEST_CLOCK they move this clock forward by an offset kept in the
 * database (automation_test_clock), which every replica reads. Otherwise it is the wall clock
 * and the table is never read.
 */
export interface AutomationClock {
  now(): Promise<Date>;
}

export const wallClock: AutomationClock = { now: async () => new Date() };

export function automationClock(pool: Pick<pg.Pool, 'query'>, movable: boolean): AutomationClock {
  if (!movable) return wallClock;
  return {
    now: async () => {
      const { rows } = await pool.query<{ offset_ms: string }>(
        'SELECT offset_ms::text FROM automation_test_clock WHERE id',
      );
      return new Date(Date.now() + Number(rows[0]?.offset_ms ?? 0));
    },
  };
}

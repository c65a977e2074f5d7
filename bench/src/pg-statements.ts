// PostgreSQL's part of a profiled run: which statements took its time in each phase, read from
// pg_stat_statements. The extension must be in the server's shared_preload_libraries (a restart;
// docs/benchmarks.md says how), so a run uses it when the server has it and says how to get it
// when not. Times are execution times (lock waits included), not CPU. Only the stand's own
// databases are reset and read: other checkouts may share the server (TEST_DATABASE_TAG).
// Best effort throughout: a failure here is printed and never stops a benchmark.
import { queryDb } from '@switchyard/testing';

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface StatementCost {
  database: string;
  calls: number;
  totalMs: number;
  query: string;
}

export interface PhaseStatements {
  /** Per database: statements run and their execution time. */
  databases: { database: string; calls: number; totalMs: number }[];
  top: StatementCost[];
}

export interface StatementStats {
  reset(): Promise<void>;
  read(limit: number): Promise<PhaseStatements | null>;
}

const warn = (what: string) => (error: unknown) => {
  console.log(`PostgreSQL by statement: ${what} failed (${String(error)})`);
  return null;
};

/** `databases`: the stand's database names, exactly. */
export async function statementStats(databases: string[]): Promise<StatementStats | null> {
  try {
    const [preload] = await queryDb<{ libraries: string }>(
      ADMIN_URL,
      `SELECT current_setting('shared_preload_libraries') AS libraries`,
    );
    if (!preload?.libraries.includes('pg_stat_statements')) {
      console.log(
        'PostgreSQL by statement: not measured (add pg_stat_statements to shared_preload_libraries and restart the server)',
      );
      return null;
    }
    await queryDb(ADMIN_URL, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  } catch (error) {
    return warn('setting up')(error);
  }
  const rows = (groupByQuery: boolean, limit: number) =>
    queryDb<StatementCost>(
      ADMIN_URL,
      `SELECT d.datname AS database, sum(s.calls)::int AS calls,
              round(sum(s.total_exec_time)::numeric, 1)::float AS "totalMs",
              ${groupByQuery ? `left(regexp_replace(s.query, '\\s+', ' ', 'g'), 150)` : `''`} AS query
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = ANY($1)
        GROUP BY 1, 4 ORDER BY 3 DESC LIMIT $2`,
      [databases, limit],
    );
  return {
    async reset() {
      await queryDb(
        ADMIN_URL,
        // Per database (userid and queryid 0: all of them), not the whole server's statistics.
        `SELECT pg_stat_statements_reset(0, oid, 0) FROM pg_database WHERE datname = ANY($1)`,
        [databases],
      ).catch(warn('reset'));
    },
    async read(limit) {
      return Promise.all([rows(false, 100), rows(true, limit)]).then(
        ([byDatabase, top]) => ({ databases: byDatabase, top }),
        warn('reading'),
      );
    },
  };
}

export function printStatements(phase: string, statements: PhaseStatements): void {
  console.log(`\n--- ${phase} — PostgreSQL by statement (execution time, pg_stat_statements)`);
  for (const d of statements.databases)
    console.log(`  ${d.database}: ${d.calls} statements, ${d.totalMs} ms`);
  for (const s of statements.top)
    console.log(
      `  ${String(s.totalMs).padStart(9)} ms ${String(s.calls).padStart(7)}×  ${s.database}: ${s.query}`,
    );
}

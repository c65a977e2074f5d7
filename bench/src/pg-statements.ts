// PostgreSQL's part of a profiled run: which statements took its time in each phase, read from
// pg_stat_statements. The extension must be in the server's shared_preload_libraries (a restart;
// docs/benchmarks.md says how), so a profiled run uses it when the server has it and says how to
// get it when not. Times are execution times (lock waits included), not CPU.
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
  read(databasePrefix: string, limit: number): Promise<PhaseStatements>;
}

export async function statementStats(): Promise<StatementStats | null> {
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
  const rows = (databasePrefix: string, groupByQuery: boolean, limit: number) =>
    queryDb<StatementCost>(
      ADMIN_URL,
      `SELECT d.datname AS database, sum(s.calls)::int AS calls,
              round(sum(s.total_exec_time)::numeric, 1)::float AS "totalMs",
              ${groupByQuery ? `left(regexp_replace(s.query, '\\s+', ' ', 'g'), 150)` : `''`} AS query
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE starts_with(d.datname, $1)
        GROUP BY 1, 4 ORDER BY 3 DESC LIMIT $2`,
      [databasePrefix, limit],
    );
  return {
    async reset() {
      await queryDb(ADMIN_URL, 'SELECT pg_stat_statements_reset()');
    },
    async read(databasePrefix, limit) {
      const [databases, top] = await Promise.all([
        rows(databasePrefix, false, 100),
        rows(databasePrefix, true, limit),
      ]);
      return { databases, top };
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

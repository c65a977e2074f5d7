// What PostgreSQL does for a request: the statements the order service would run for it
// (imported from the service, as docs/decisions/0013 has ceilings do), under EXPLAIN ANALYZE —
// which indexes they walk and how long they take inside the database.
import pg from 'pg';
import {
  catalogQueryOf,
  searchStatements,
  WORD_MATCHES_SQL,
  wordsOf,
} from '@switchyard/order/catalog-search';
import { paramsOf } from './request-params.js';

export interface Plan {
  /** Every index a plan node reads, in plan order. */
  indexes: string[];
  /** Scans of a table without an index (a seq scan), by table. */
  seqScans: string[];
  executionMs: number;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function planOf(explained: { Plan: PlanNode; 'Execution Time': number }): Plan {
  const indexes: string[] = [];
  const seqScans: string[] = [];
  const visit = (node: PlanNode) => {
    if (node['Index Name'] && !indexes.includes(node['Index Name']))
      indexes.push(node['Index Name']);
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'])
      seqScans.push(node['Relation Name']);
    node.Plans?.forEach(visit);
  };
  visit(explained.Plan);
  return { indexes, seqScans, executionMs: explained['Execution Time'] };
}

async function explain(client: pg.ClientBase, statement: pg.QueryConfig): Promise<Plan> {
  const { rows } = await client.query<{
    'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }];
  }>({
    text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`,
    values: statement.values,
  });
  return planOf(rows[0]!['QUERY PLAN'][0]);
}

/** The plans of the statements one request (path and query) makes: its page and its facets. */
export async function plansOf(
  pool: pg.Pool,
  path: string,
): Promise<{ page: Plan; facets: Plan | null }> {
  const statements = await searchStatements(pool, catalogQueryOf(paramsOf(path)));
  const client = await pool.connect();
  try {
    return {
      page: await explain(client, statements.page),
      facets: statements.facets ? await explain(client, statements.facets) : null,
    };
  } finally {
    client.release();
  }
}

/**
 * The plan of the lookup of a query's words in the catalog's words, as the database chooses it
 * and with sequential scans off: a small word table is read whole (cheaper), and the second
 * plan shows the trigram index is there for when it grows.
 */
export async function wordLookupPlans(
  pool: pg.Pool,
  path: string,
): Promise<{ chosen: Plan; indexOnly: Plan }> {
  const words = wordsOf(String(paramsOf(path).q ?? ''));
  const client = await pool.connect();
  try {
    const chosen = await explain(client, { text: WORD_MATCHES_SQL, values: [words] });
    await client.query('BEGIN');
    await client.query('SET LOCAL enable_seqscan = off');
    const indexOnly = await explain(client, { text: WORD_MATCHES_SQL, values: [words] });
    await client.query('ROLLBACK');
    return { chosen, indexOnly };
  } finally {
    client.release();
  }
}

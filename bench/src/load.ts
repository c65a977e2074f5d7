// A bounded HTTP load against loopback (autocannon), reduced to the figures we publish.
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Requests per second over all connections; absent: as fast as answers come. */
  rate?: number;
  /** A short run first (JIT, pools, caches), not counted. */
  warmUpSeconds?: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

async function run(options: LoadOptions, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration: seconds,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    ...(options.rate ? { overallRate: options.rate } : {}),
    timeout: 30,
  });
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  if (options.warmUpSeconds) await run(options, options.warmUpSeconds);
  const result = await run(options, options.seconds);
  const statuses: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {}))
    statuses[code] = stats.count ?? 0;
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    statuses,
    errors: result.errors + result.timeouts,
  };
}

/** Answers that are neither 2xx nor one of `allowed` (e.g. documented 409s). */
export function unexpectedAnswers(result: LoadResult, allowed: number[] = []): number {
  return Object.entries(result.statuses)
    .filter(([code]) => !code.startsWith('2') && !allowed.includes(Number(code)))
    .reduce((sum, [, count]) => sum + count, 0);
}

/**
 * `numerator` / `denominator` in requests per second, each a named run, only when both runs
 * are clean (see assertClean).
 */
export function throughputRatio(
  numerator: Record<string, LoadResult>,
  denominator: Record<string, LoadResult>,
): number {
  assertClean({ ...numerator, ...denominator });
  const [top] = Object.values(numerator);
  const [bottom] = Object.values(denominator);
  return top!.requestsPerSecond / bottom!.requestsPerSecond;
}

/**
 * Throw unless every named run was answered 2xx without connection errors: autocannon's
 * requests/s and latencies count non-2xx answers too (a 429 or 401 is cheaper than an
 * answer), so a run with any makes a comparison meaningless and the benchmark fails instead
 * of publishing it.
 */
export function assertClean(runs: Record<string, LoadResult>): void {
  for (const [name, result] of Object.entries(runs)) {
    const refused = unexpectedAnswers(result);
    if (refused > 0) {
      const total = Object.values(result.statuses).reduce((sum, n) => sum + n, 0);
      const codes = Object.entries(result.statuses)
        .filter(([code]) => !code.startsWith('2'))
        .map(([code, n]) => `${code} × ${n}`)
        .join(', ');
      throw new Error(
        `${name}: ${refused} of ${total} answers were not 2xx (${codes}); the ratio would count them`,
      );
    }
    if (result.errors > 0)
      throw new Error(`${name}: ${result.errors} connection errors or timeouts; no ratio from it`);
  }
}

/** One table row of a load result: name, requests/s, p50, p99, unexpected answers, errors. */
export function loadRow(name: string, result: LoadResult): (string | number)[] {
  return [
    name,
    result.requestsPerSecond.toFixed(0),
    result.p50,
    result.p99,
    unexpectedAnswers(result),
    result.errors,
  ];
}

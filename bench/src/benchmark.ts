import type { BenchmarkReport } from './results.js';
import type { Stand } from './stand.js';

/** What every benchmark gets: the running platform and how long to measure. */
export interface BenchContext {
  stand: Stand;
  /** CI's short run: a few seconds per measurement instead of the full durations. */
  short: boolean;
  /** Seconds per autocannon measurement. */
  seconds: number;
  /** Mark a phase so a profiled run can summarise each phase's CPU separately. */
  phase<T>(name: string, work: () => Promise<T>): Promise<T>;
}

export interface Benchmark {
  id: string;
  run(ctx: BenchContext): Promise<BenchmarkReport[]>;
}

/**
 * How long a job waits before it looks again at an item it failed to process `failures` times
 * in a row: 5 s, 10 s, 20 s … at most an hour. Other items are not held up meanwhile.
 */
export function itemBackoffMs(failures: number): number {
  return Math.min(3_600_000, 5_000 * 2 ** Math.max(0, failures - 1));
}

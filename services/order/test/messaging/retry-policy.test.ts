// A consumer blocked by an infrastructure failure retries at most a few seconds apart, so it
// resumes within seconds of the database's return however long the outage was. With a 30 s
// ceiling the chaos run's 5 s PostgreSQL restart held the saga up for 34 s.
import { transientRetryDelayMs } from '@switchyard/messaging';

describe('retry delay after an infrastructure failure', () => {
  it('grows from a fraction of a second and never exceeds 5 s', () => {
    expect(transientRetryDelayMs(1)).toBeLessThanOrEqual(200);
    for (let attempt = 1; attempt <= 60; attempt++)
      expect(transientRetryDelayMs(attempt)).toBeLessThanOrEqual(5_000);
    expect(
      Math.max(...Array.from({ length: 200 }, () => transientRetryDelayMs(30))),
    ).toBeGreaterThan(2_500);
  });
});

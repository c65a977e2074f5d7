import { addIntervals, nextPeriod } from '../../src/subscriptions/periods.js';

const at = (iso: string) => new Date(iso);
const monthly = { interval: 'month' as const, intervalCount: 1 };

describe('billing periods', () => {
  it('keeps the anchor day and clamps it to short months, without drifting', () => {
    const anchor = at('2026-01-31T10:00:00.000Z');
    expect(addIntervals(anchor, monthly, 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addIntervals(anchor, monthly, 2).toISOString()).toBe('2026-03-31T10:00:00.000Z');
    expect(addIntervals(at('2028-01-31T00:00:00Z'), monthly).toISOString()).toBe(
      '2028-02-29T00:00:00.000Z',
    );
  });

  it('counts years and interval counts in months', () => {
    const anchor = at('2026-12-03T08:30:00.000Z');
    expect(addIntervals(anchor, { interval: 'year', intervalCount: 1 }).toISOString()).toBe(
      '2027-12-03T08:30:00.000Z',
    );
    expect(addIntervals(anchor, { interval: 'month', intervalCount: 3 }).toISOString()).toBe(
      '2027-03-03T08:30:00.000Z',
    );
  });

  it('gives the period after a clamped end from the anchor, not from the clamped day', () => {
    const anchor = at('2026-01-31T00:00:00.000Z');
    const feb = addIntervals(anchor, monthly);
    expect(nextPeriod(anchor, feb, monthly)).toEqual({
      start: feb,
      end: at('2026-03-31T00:00:00.000Z'),
    });
  });

  it('starts the first paid period at the end of a trial (the anchor)', () => {
    const trialEnd = at('2026-12-17T00:00:00.000Z');
    expect(nextPeriod(trialEnd, trialEnd, monthly)).toEqual({
      start: trialEnd,
      end: at('2027-01-17T00:00:00.000Z'),
    });
  });
});

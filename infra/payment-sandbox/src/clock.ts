import type { Journal } from './journal.js';
import type { JournalRecord } from './store.js';

/**
 * The sandbox's idea of "now" for card expiry: the real time, moved forward by a test helper
 * (`POST /v1/test_helpers/clock`) to see a card expire without waiting a month. Objects' own
 * timestamps stay real, as they are compared with other databases' clocks.
 */
export class SandboxClock {
  private offsetMs = 0;

  constructor(private readonly journal?: Journal<JournalRecord>) {}

  restore(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
    this.journal?.write({ kind: 'clock', offsetMs: this.offsetMs });
  }
}

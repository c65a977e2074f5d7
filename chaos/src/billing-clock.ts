import { setTimeout as sleep } from 'node:timers/promises';
import type { Customer } from './actors.js';
import { isFailure, request } from './http.js';

/** A month and a day: every monthly period that was current ends within one move. */
export const RENEWAL_STEP_SECONDS = 32 * 86_400;

/**
 * Billing's test clock (BILLING_TEST_CLOCK), moved as an operator's script would: through the
 * gateway as an admin, retrying what the faults break. Moves are absolute (to an offset), so a
 * retry after an answer lost in a fault never moves the clock twice.
 */
export class BillingClockDriver {
  private target = 0;

  constructor(
    private readonly gatewayUrl: string,
    private readonly admin: Customer,
  ) {}

  /** Billing's clock one more step ahead, then the renewal sweep at once on `sweepUrl`. */
  async advance(sweepUrl = this.gatewayUrl): Promise<void> {
    this.target += RENEWAL_STEP_SECONDS;
    for (let tries = 0; ; tries++) {
      const clock = await request(this.gatewayUrl, 'GET', '/v1/admin/billing/clock', {
        token: this.admin.token,
      });
      if (clock.status === 200) {
        const by = this.target - Number(clock.body.offsetSeconds);
        if (by <= 0) break;
        const moved = await request(this.gatewayUrl, 'POST', '/v1/admin/billing/clock', {
          token: this.admin.token,
          body: { advanceSeconds: by },
        });
        if (moved.status === 200) break;
      }
      if (tries >= 20) throw new Error(`billing's clock did not move: ${clock.status}`);
      await sleep(1_000);
    }
    await this.sweep(sweepUrl);
  }

  /** Queue every renewal that is due now (what the per-minute sweep does on its own). */
  async sweep(url = this.gatewayUrl): Promise<void> {
    for (let tries = 0; tries < 20; tries++) {
      const swept = await request(url, 'POST', '/v1/admin/billing/run-due', {
        token: this.admin.token,
      });
      if (!isFailure(swept.status)) return;
      await sleep(1_000);
    }
  }

  /** How many steps the clock was moved. */
  get steps(): number {
    return this.target / RENEWAL_STEP_SECONDS;
  }
}

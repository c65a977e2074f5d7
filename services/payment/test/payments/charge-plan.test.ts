import { planChargeUpdate } from '../../src/payments/charge-plan.js';
import type { ProviderCharge } from '../../src/provider/provider-types.js';

const charge = (over: Partial<ProviderCharge> = {}): ProviderCharge => ({
  id: 'ch_1',
  amount: 1000,
  currency: 'EUR',
  status: 'succeeded',
  failure_code: null,
  metadata: { payment_id: 'p1' },
  amount_refunded: 0,
  refunds: [],
  created: 0,
  ...over,
});
const refund = (id: string, amount: number, metadata: Record<string, string> = {}) => ({
  id,
  charge: 'ch_1',
  amount,
  status: 'succeeded' as const,
  metadata,
});
const pending = { status: 'pending' as const, amountMinor: 1000, amountRefundedMinor: 0 };

describe('the payment state machine (planChargeUpdate)', () => {
  it('settles a pending payment once, either way', () => {
    expect(planChargeUpdate(pending, [], charge()).status).toEqual({ to: 'succeeded' });
    expect(
      planChargeUpdate(pending, [], charge({ status: 'failed', failure_code: 'card_declined' }))
        .status,
    ).toEqual({ to: 'failed', reason: 'card_declined' });
    expect(planChargeUpdate(pending, [], charge({ status: 'pending' })).status).toBeUndefined();
  });

  it('fails an off-session charge that asks for its customer (authentication_required), never waits', () => {
    const needsAction = charge({
      status: 'pending',
      next_action: { client_secret: 'pi_1_secret', redirect_url: 'https://provider/3ds/pi_1' },
    });
    expect(planChargeUpdate({ ...pending, offSession: true }, [], needsAction).status).toEqual({
      to: 'failed',
      reason: 'authentication_required',
    });
  });

  it('waits for the customer once the provider asks for an authentication, then settles', () => {
    const needsAction = charge({
      status: 'pending',
      next_action: { client_secret: 'pi_1_secret', redirect_url: 'https://provider/3ds/pi_1' },
    });
    expect(planChargeUpdate(pending, [], needsAction).status).toEqual({
      to: 'requires_action',
      url: 'https://provider/3ds/pi_1',
      clientSecret: 'pi_1_secret',
    });
    const waiting = { ...pending, status: 'requires_action' as const };
    expect(planChargeUpdate(waiting, [], needsAction).status).toBeUndefined();
    expect(planChargeUpdate(waiting, [], charge()).status).toEqual({ to: 'succeeded' });
    expect(
      planChargeUpdate(
        waiting,
        [],
        charge({ status: 'failed', failure_code: 'authentication_failed' }),
      ).status,
    ).toEqual({ to: 'failed', reason: 'authentication_failed' });
    // A late requires_action snapshot never drags a settled payment back.
    const succeeded = { ...pending, status: 'succeeded' as const };
    expect(planChargeUpdate(succeeded, [], needsAction).status).toBeUndefined();
  });

  it('never moves a settled payment backwards', () => {
    const succeeded = { ...pending, status: 'succeeded' as const };
    expect(planChargeUpdate(succeeded, [], charge({ status: 'pending' })).status).toBeUndefined();
    expect(planChargeUpdate(succeeded, [], charge({ status: 'failed' })).status).toBeUndefined();
  });

  it('believes the provider about money: a given-up payment it charged becomes succeeded', () => {
    const gaveUp = { ...pending, status: 'failed' as const };
    expect(planChargeUpdate(gaveUp, [], charge()).status).toEqual({ to: 'succeeded' });
  });

  it('matches refunds we asked for, and discovers refunds made at the provider', () => {
    const ours = { id: 'r-ours', providerRefundId: null, status: 'pending', amountMinor: 300 };
    const plan = planChargeUpdate({ ...pending, status: 'succeeded' }, [ours], {
      ...charge(),
      refunds: [refund('re_1', 300, { refund_id: 'r-ours' }), refund('re_2', 200)],
    });
    expect(plan.refundsSucceeded).toEqual([
      { refundId: 'r-ours', providerRefundId: 're_1', amountMinor: 300 },
    ]);
    expect(plan.refundsDiscovered).toEqual([
      { providerRefundId: 're_2', amountMinor: 200, reason: 'refunded at the provider' },
    ]);
  });

  it('counts a refund it already knows only once, however often it is seen', () => {
    const known = { id: 'r1', providerRefundId: 're_1', status: 'succeeded', amountMinor: 300 };
    const plan = planChargeUpdate({ ...pending, status: 'succeeded' }, [known], {
      ...charge(),
      refunds: [refund('re_1', 300)],
    });
    expect(plan).toEqual({ refundsSucceeded: [], refundsDiscovered: [] });
  });

  it('takes a refund seen before its charge together with the charge’s success', () => {
    const plan = planChargeUpdate(pending, [], { ...charge(), refunds: [refund('re_1', 500)] });
    expect(plan.status).toEqual({ to: 'succeeded' });
    expect(plan.refundsDiscovered).toHaveLength(1);
  });
});

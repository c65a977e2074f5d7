import type Stripe from 'stripe';
import { chargeSnapshot } from '../../src/provider/stripe-snapshot.js';

/** The fields of a PaymentIntent the mapping reads; the rest as Stripe would leave them. */
const intent = (fields: Partial<Stripe.PaymentIntent>) =>
  ({
    id: 'pi_1',
    object: 'payment_intent',
    amount: 2500,
    currency: 'eur',
    created: 1_800_000_000,
    metadata: { payment_id: 'p-1' },
    latest_charge: null,
    last_payment_error: null,
    next_action: null,
    client_secret: 'pi_1_secret_x',
    cancellation_reason: null,
    status: 'succeeded',
    ...fields,
  }) as Stripe.PaymentIntent;

const refund = (fields: Partial<Stripe.Refund>) =>
  ({
    id: 're_1',
    object: 'refund',
    amount: 500,
    payment_intent: 'pi_1',
    status: 'succeeded',
    metadata: { refund_id: 'r-1' },
    ...fields,
  }) as Stripe.Refund;

describe('a PaymentIntent as our payment state machine reads it', () => {
  it('is succeeded, pending or failed by its status', () => {
    expect(chargeSnapshot(intent({ status: 'succeeded' })).status).toBe('succeeded');
    for (const status of [
      'processing',
      'requires_action',
      'requires_capture',
      'requires_confirmation',
    ] as const)
      expect(chargeSnapshot(intent({ status })).status).toBe('pending');
    expect(
      chargeSnapshot(intent({ status: 'canceled', cancellation_reason: 'abandoned' })),
    ).toMatchObject({
      status: 'failed',
      failure_code: 'canceled_abandoned',
    });
  });

  it('reads a declined attempt with its decline code, else its error code', () => {
    const declined = intent({
      status: 'requires_payment_method',
      last_payment_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'insufficient_funds',
      },
    });
    expect(chargeSnapshot(declined)).toMatchObject({
      status: 'failed',
      failure_code: 'insufficient_funds',
    });
    const generic = intent({
      status: 'requires_payment_method',
      last_payment_error: {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
      },
    });
    expect(chargeSnapshot(generic).failure_code).toBe('card_declined');
    const expired = intent({
      status: 'requires_payment_method',
      last_payment_error: { type: 'card_error', code: 'expired_card' },
    });
    expect(chargeSnapshot(expired).failure_code).toBe('expired_card');
  });

  it('carries what the customer needs to finish an authentication', () => {
    const waiting = intent({
      status: 'requires_action',
      next_action: {
        type: 'redirect_to_url',
        redirect_to_url: { url: 'https://provider.test/3ds/pi_1', return_url: null },
      },
    });
    expect(chargeSnapshot(waiting).next_action).toEqual({
      client_secret: 'pi_1_secret_x',
      redirect_url: 'https://provider.test/3ds/pi_1',
    });
    expect(chargeSnapshot(intent({})).next_action).toBeNull();
  });

  it('counts only succeeded refunds, and the charge total when the refunds were not read', () => {
    const snapshot = chargeSnapshot(intent({}), [
      refund({ id: 're_1', amount: 500 }),
      refund({ id: 're_2', amount: 300, status: 'pending' }),
      refund({ id: 're_3', amount: 200, status: 'failed' }),
    ]);
    expect(snapshot.amount_refunded).toBe(500);
    expect(snapshot.refunds.map((r) => [r.id, r.status, r.charge])).toEqual([
      ['re_1', 'succeeded', 'pi_1'],
      ['re_2', 'pending', 'pi_1'],
      ['re_3', 'failed', 'pi_1'],
    ]);
    const withCharge = intent({ latest_charge: { amount_refunded: 700 } as Stripe.Charge });
    expect(chargeSnapshot(withCharge)).toMatchObject({ amount_refunded: 700, refunds: [] });
  });
});

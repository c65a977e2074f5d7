import { SandboxPaymentProvider } from '../../src/provider/sandbox-provider.js';

describe('SandboxPaymentProvider', () => {
  const provider = new SandboxPaymentProvider();
  const base = { amountMinor: 1000, currency: 'EUR' };

  it('succeeds for pm_card_visa and declines pm_card_declined', async () => {
    expect(
      await provider.charge({ ...base, idempotencyKey: 'a', paymentMethod: 'pm_card_visa' }),
    ).toMatchObject({ status: 'succeeded' });
    expect(
      await provider.charge({ ...base, idempotencyKey: 'b', paymentMethod: 'pm_card_declined' }),
    ).toMatchObject({
      status: 'declined',
      reason: 'card_declined',
    });
  });

  it('returns the same charge for the same idempotency key', async () => {
    const first = await provider.charge({
      ...base,
      idempotencyKey: 'k',
      paymentMethod: 'pm_card_visa',
    });
    const again = await provider.charge({
      ...base,
      idempotencyKey: 'k',
      paymentMethod: 'pm_card_visa',
    });
    const other = await provider.charge({
      ...base,
      idempotencyKey: 'other',
      paymentMethod: 'pm_card_visa',
    });
    expect(again).toEqual(first);
    expect(other.chargeId).not.toBe(first.chargeId);
  });
});

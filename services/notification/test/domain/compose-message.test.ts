import { composeMessage, formatMoney } from '../../src/domain/compose-message.js';

describe('composeMessage', () => {
  const orderId = '6f1c1f4e-6a4b-4a43-9d6e-2b7d8f7b1a11';
  const userId = '11111111-2222-4333-8444-555555555555';

  it('formats integer minor units for people', () => {
    expect(formatMoney({ amount: 2500, currency: 'EUR' })).toBe('EUR 25.00');
    expect(formatMoney({ amount: 7, currency: 'USD' })).toBe('USD 0.07');
    expect(formatMoney({ amount: 500, currency: 'JPY' })).toBe('JPY 500');
  });

  it('tells a customer their order is confirmed, with the amount', () => {
    const message = composeMessage('order.paid', {
      orderId,
      userId,
      paymentId: orderId,
      total: { amount: 2500, currency: 'EUR' },
    });
    expect(message).toEqual({
      category: 'order',
      title: 'Order 6f1c1f4e is confirmed',
      body: `We received your payment of EUR 25.00 for order ${orderId}.`,
    });
  });

  it('gives the reason a payment failed', () => {
    const message = composeMessage('payment.failed', {
      orderId,
      userId,
      paymentId: orderId,
      amount: { amount: 100, currency: 'EUR' },
      reason: 'card_declined',
    });
    expect(message.category).toBe('payment');
    expect(message.body).toContain('card_declined');
  });

  it('tells how much was refunded, and whether that was everything', () => {
    const refund = (amount: number, total: number) =>
      composeMessage('payment.refunded', {
        orderId,
        userId,
        paymentId: orderId,
        refundId: orderId,
        amount: { amount, currency: 'EUR' },
        totalRefunded: { amount: total, currency: 'EUR' },
        captured: { amount: 2500, currency: 'EUR' },
        reason: 'requested_by_admin',
      });
    expect(refund(500, 500).title).toBe('Refund of EUR 5.00 for order 6f1c1f4e');
    expect(refund(500, 500).body).toContain('EUR 5.00 of EUR 25.00 refunded so far');
    expect(refund(2000, 2500).body).toContain('the full EUR 25.00 has now been refunded');
  });
});

describe('composeMessage for a password reset', () => {
  it('puts the token in the email only, never in the inbox text', () => {
    const resetToken = 'tok_abcdefghijklmnopqrstuvwxyz0123456789';
    const message = composeMessage('user.password_reset_requested', {
      userId: '11111111-2222-4333-8444-555555555555',
      email: 'a@example.com',
      name: 'Ada',
      resetToken,
      expiresAt: '2026-11-22T10:00:00.000Z',
    });
    expect(message.emailText).toContain(resetToken);
    expect(message.body).not.toContain(resetToken);
    expect(message.title).not.toContain(resetToken);
  });
});

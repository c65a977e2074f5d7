import { SECRET_PLACEHOLDER, withSecret } from '../../src/email/email-secret.js';
import { renderEmail } from '../../src/email/email-templates.js';
import { composeMessage, formatMoney } from '../../src/domain/compose-message.js';

const orderId = '6f1c1f4e-6a4b-4a43-9d6e-2b7d8f7b1a11';
const userId = '11111111-2222-4333-8444-555555555555';
const links = { billingAccountUrl: 'https://shop.example.com/account/billing' };

describe('composeMessage', () => {
  it('formats integer minor units for people', () => {
    expect(formatMoney({ amount: 2500, currency: 'EUR' })).toBe('EUR 25.00');
    expect(formatMoney({ amount: 7, currency: 'USD' })).toBe('USD 0.07');
    expect(formatMoney({ amount: 500, currency: 'JPY' })).toBe('JPY 500');
  });

  it('tells a customer their order is confirmed, with the amount', () => {
    const message = composeMessage(
      'order.paid',
      {
        orderId,
        userId,
        paymentId: orderId,
        total: { amount: 2500, currency: 'EUR' },
      },
      links,
    );
    expect(message).toEqual({
      category: 'order',
      title: 'Order 6f1c1f4e is confirmed',
      body: `We received your payment of EUR 25.00 for order ${orderId}.`,
    });
  });

  it('gives the reason a payment failed', () => {
    const message = composeMessage(
      'payment.failed',
      {
        orderId,
        userId,
        paymentId: orderId,
        amount: { amount: 100, currency: 'EUR' },
        reason: 'card_declined',
      },
      links,
    );
    expect(message.category).toBe('payment');
    expect(message.body).toContain('card_declined');
  });

  it('tells how much was refunded, and whether that was everything', () => {
    const refund = (amount: number, total: number) =>
      composeMessage(
        'payment.refunded',
        {
          orderId,
          userId,
          paymentId: orderId,
          refundId: orderId,
          amount: { amount, currency: 'EUR' },
          totalRefunded: { amount: total, currency: 'EUR' },
          captured: { amount: 2500, currency: 'EUR' },
          reason: 'requested_by_admin',
        },
        links,
      );
    expect(refund(500, 500).title).toBe('Refund of EUR 5.00 for order 6f1c1f4e');
    expect(refund(500, 500).body).toContain('EUR 5.00 of EUR 25.00 refunded so far');
    expect(refund(2000, 2500).body).toContain('the full EUR 25.00 has now been refunded');
  });
});

describe('a password reset', () => {
  it('renders the email with a placeholder the sender fills from the sealed token; the inbox never shows it', () => {
    const resetToken = 'tok_abcdefghijklmnopqrstuvwxyz0123456789';
    const data = {
      userId: '11111111-2222-4333-8444-555555555555',
      email: 'a@example.com',
      name: 'Ada',
      sealedResetToken: 'sealed-iv.sealed-tag.sealed-ciphertext',
      expiresAt: '2026-11-22T10:00:00.000Z',
    };
    const message = composeMessage('user.password_reset_requested', data, links);
    const email = renderEmail('user.password_reset_requested', data, message, links);
    expect(email.text).toContain(SECRET_PLACEHOLDER);
    expect(email.html).toContain(SECRET_PLACEHOLDER);
    expect(email.text).not.toContain(data.sealedResetToken);
    expect(withSecret(email.text, resetToken)).toContain(resetToken);
    expect(withSecret(email.html, resetToken)).toContain(resetToken);
    expect(message.body).not.toContain(resetToken);
    expect(message.title).not.toContain(resetToken);
  });
});

// Importing email-templates compiles every event's templates: a missing one fails this file.
describe('email templates', () => {
  it('renders an order with its lines and money, in text and HTML inside the layout', () => {
    const data = {
      orderId,
      userId,
      paymentMethod: 'pm_card_visa',
      total: { amount: 3700, currency: 'EUR' },
      lines: [
        {
          productId: userId,
          name: 'Mug',
          quantity: 2,
          unitPrice: { amount: 1250, currency: 'EUR' },
        },
        {
          productId: orderId,
          name: 'Tee',
          quantity: 1,
          unitPrice: { amount: 1200, currency: 'EUR' },
        },
      ],
    };
    const email = renderEmail(
      'order.created',
      data,
      { ...composeMessage('order.created', data, links), title: 'Order received' },
      links,
    );
    expect(email.text).toContain('- 2 × Mug at EUR 12.50');
    expect(email.text).toContain('Total: EUR 37.00.');
    expect(email.html).toMatch(/^<!doctype html>/);
    expect(email.html).toContain('<title>Order received</title>');
    expect(email.html).toContain('<strong>EUR 37.00</strong>');
  });

  it('escapes what users typed in HTML, and leaves the text as typed', () => {
    const data = { userId, email: 'a@example.com', name: '<script>x</script> & Co' };
    const email = renderEmail(
      'user.registered',
      data,
      composeMessage('user.registered', data, links),
      links,
    );
    expect(email.html).toContain('&lt;script&gt;x&lt;/script&gt; &amp; Co');
    expect(email.html).not.toContain('<script>');
    expect(email.text).toContain('Hello <script>x</script> & Co,');
  });
});

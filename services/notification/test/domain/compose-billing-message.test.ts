import type { EventPayload } from '@switchyard/contracts';
import { composeMessage } from '../../src/domain/compose-message.js';
import { renderEmail } from '../../src/email/email-templates.js';

const links = { billingAccountUrl: 'https://shop.example.com/account/billing' };

const subscription = (
  change: Partial<EventPayload<'subscription.renewed'>> = {},
): EventPayload<'subscription.renewed'> => ({
  subscriptionId: '6f1c1f4e-6a4b-4a43-9d6e-2b7d8f7b1a11',
  userId: '11111111-2222-4333-8444-555555555555',
  planId: '22222222-2222-4333-8444-555555555555',
  planName: 'Pro',
  status: 'active',
  price: { amount: 1900, currency: 'EUR' },
  currentPeriodStart: '2026-12-04T09:30:00.000Z',
  currentPeriodEnd: '2027-01-04T09:30:00.000Z',
  cancelAtPeriodEnd: false,
  reason: null,
  nextRetryAt: null,
  ...change,
});

const pdf = Buffer.from('%PDF-1.7\n% an invoice\n%%EOF\n');
const invoice: EventPayload<'invoice.issued'> = {
  documentId: '33333333-2222-4333-8444-555555555555',
  kind: 'invoice',
  number: 'INV-2026-000042',
  userId: '11111111-2222-4333-8444-555555555555',
  total: { amount: 2261, currency: 'EUR' },
  invoiceId: null,
  issuedAt: '2026-12-04T09:30:00.000Z',
  pdfBase64: pdf.toString('base64'),
};

describe('billing messages', () => {
  it('tells a customer their subscription started, with the price and the renewal day', () => {
    const message = composeMessage('subscription.activated', subscription(), links);
    expect(message).toEqual({
      category: 'billing',
      title: 'Your Pro subscription has started',
      body: 'Your Pro subscription is active (EUR 19.00 per period); it renews on 4 Jan 2027.',
    });
  });

  it('says what each change means, all in the billing category', () => {
    const said = (name: Parameters<typeof composeMessage>[0], s = subscription()) =>
      composeMessage(name, s as never, links);
    expect(said('subscription.trial_started', subscription({ status: 'trialing' })).body).toBe(
      'Your free trial of Pro runs until 4 Jan 2027; then it costs EUR 19.00 per period unless you cancel before.',
    );
    expect(said('subscription.renewed').title).toBe('Your Pro subscription was renewed');
    expect(said('subscription.recovered').title).toContain('back in good standing');
    expect(said('subscription.plan_changed').title).toBe('You are now on Pro');
    expect(
      said('subscription.cancel_scheduled', subscription({ cancelAtPeriodEnd: true })).title,
    ).toBe('Your Pro subscription ends on 4 Jan 2027');
    expect(said('subscription.created', subscription({ status: 'incomplete' })).body).toContain(
      'starts once the first payment goes through',
    );
    for (const name of [
      'subscription.created',
      'subscription.trial_started',
      'subscription.activated',
      'subscription.renewed',
      'subscription.payment_failed',
      'subscription.recovered',
      'subscription.plan_changed',
      'subscription.cancel_scheduled',
      'subscription.canceled',
    ] as const)
      expect(said(name).category).toBe('billing');
  });

  it('gives the reason a subscription was canceled', () => {
    const canceled = subscription({ status: 'canceled', reason: 'payment_failed' });
    expect(composeMessage('subscription.canceled', canceled, links).body).toBe(
      'Your Pro subscription was canceled (payment failed). You will not be charged for it again.',
    );
  });

  it('tells why a renewal failed, when the next retry is and where to update the card', () => {
    const failed = subscription({
      status: 'past_due',
      reason: 'card_declined',
      nextRetryAt: '2026-12-07T09:30:00.000Z',
    });
    const message = composeMessage('subscription.payment_failed', failed, links);
    expect(message.title).toBe('Renewal of your Pro subscription failed');
    expect(message.body).toBe(
      'We could not charge EUR 19.00 for Pro (card declined). We will try again on 7 Dec 2026, ' +
        '09:30 UTC. Update your card: https://shop.example.com/account/billing',
    );
    const email = renderEmail('subscription.payment_failed', failed, message, links);
    expect(email.text).toContain('(card declined)');
    expect(email.text).toContain('We will try again on 7 Dec 2026, 09:30 UTC.');
    expect(email.text).toContain('Update your card here: https://shop.example.com/account/billing');
    expect(email.html).toContain('<a href="https://shop.example.com/account/billing"');
  });

  it('says the subscription will be canceled when no retry is left', () => {
    const last = subscription({ status: 'past_due', reason: 'insufficient_funds' });
    const message = composeMessage('subscription.payment_failed', last, links);
    expect(message.body).toContain('No retry is left: the subscription will be canceled.');
    const email = renderEmail('subscription.payment_failed', last, message, links);
    expect(email.text).toContain('No retry is left: the subscription will be canceled.');
    expect(email.text).not.toContain('try again');
  });

  it('renders the shared subscription email with the plan and the period', () => {
    const s = subscription({ cancelAtPeriodEnd: true });
    const message = composeMessage('subscription.cancel_scheduled', s, links);
    const email = renderEmail('subscription.cancel_scheduled', s, message, links);
    expect(email.text).toContain(message.body);
    expect(email.text).toContain('Plan: Pro, EUR 19.00 per period');
    expect(email.text).toContain('Ends on: 4 Jan 2027');
    expect(email.html).toContain(`<title>${message.title}</title>`);
  });

  it('announces an invoice and a credit note, naming the attached file, never inlining the PDF', () => {
    const message = composeMessage('invoice.issued', invoice, links);
    expect(message).toEqual({
      category: 'billing',
      title: 'Invoice INV-2026-000042',
      body: 'We issued your invoice INV-2026-000042 of EUR 22.61 on 4 Dec 2026.',
    });
    const email = renderEmail('invoice.issued', invoice, message, links);
    expect(email.text).toContain('The invoice is attached as INV-2026-000042.pdf.');
    expect(email.html).toContain('<code>INV-2026-000042.pdf</code>');
    expect(email.text + email.html).not.toContain(invoice.pdfBase64);

    const note = { ...invoice, kind: 'credit_note' as const, number: 'CN-2026-000007' };
    const noteMessage = composeMessage('credit_note.issued', note, links);
    expect(noteMessage.title).toBe('Credit note CN-2026-000007');
    expect(renderEmail('credit_note.issued', note, noteMessage, links).text).toContain(
      'The credit note is attached as CN-2026-000007.pdf.',
    );
  });
});

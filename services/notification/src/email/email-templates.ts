import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { EventPayload, Money } from '@switchyard/contracts';
import {
  formatMoney,
  notifiableEvents,
  type Links,
  type Message,
  type NotifiableEvent,
} from '../domain/compose-message.js';
import { formatDay, formatMoment, humanReason } from '../domain/compose-billing-message.js';
import { documentFilename } from './email-attachments.js';
import { SECRET_PLACEHOLDER } from './email-secret.js';

const templatesDir = new URL('../../templates/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, templatesDir), 'utf8');

// Two instances: HTML escapes every {{value}}; plain text must not (an "&" stays an "&").
const html = Handlebars.create();
const text = Handlebars.create();
for (const hb of [html, text]) hb.registerHelper('money', (m: Money) => formatMoney(m));

/**
 * Events that share one pair of templates: a subscription's changes differ only in the words
 * compose-message.ts chose (its payment failure, with a retry and a link, has its own), and an
 * invoice's email is a credit note's. The others have templates named after the event.
 */
const sharedTemplates: Partial<Record<NotifiableEvent, string>> = {
  'subscription.created': 'subscription',
  'subscription.trial_started': 'subscription',
  'subscription.activated': 'subscription',
  'subscription.renewed': 'subscription',
  'subscription.recovered': 'subscription',
  'subscription.plan_changed': 'subscription',
  'subscription.cancel_scheduled': 'subscription',
  'subscription.canceled': 'subscription',
  'invoice.issued': 'billing-document',
  'credit_note.issued': 'billing-document',
};

type Render = (data: object) => string;
const compiled = new Map<NotifiableEvent, { text: Render; html: Render }>(
  notifiableEvents.map((name) => {
    const file = sharedTemplates[name] ?? name;
    return [
      name,
      {
        text: text.compile(read(`${file}.text.hbs`), { noEscape: true, strict: true }),
        html: html.compile(read(`${file}.html.hbs`), { strict: true }),
      },
    ];
  }),
);
const layout = html.compile(read('layout.html.hbs'), { strict: true });

/** Extra values some templates need, derived from the event. */
function templateData<N extends NotifiableEvent>(
  name: N,
  data: EventPayload<N>,
  message: Message,
  links: Links,
): object {
  if (name === 'user.password_reset_requested') {
    // The token itself is put in by the sender, from its sealed copy (email-secret.ts).
    return { ...data, resetToken: SECRET_PLACEHOLDER };
  }
  if (name === 'user.email_verification_requested') {
    // The token is put in by the sender, as a reset token is; the link carries it too.
    const base = links.emailVerificationUrl;
    return {
      ...data,
      changing: (data as EventPayload<'user.email_verification_requested'>).purpose === 'change',
      verificationToken: SECRET_PLACEHOLDER,
      verificationLink: base ? `${base}?token=${SECRET_PLACEHOLDER}` : null,
    };
  }
  if (name === 'payment.refunded') {
    const d = data as EventPayload<'payment.refunded'>;
    return { ...d, complete: d.totalRefunded.amount >= d.captured.amount };
  }
  if (name === 'invoice.issued' || name === 'credit_note.issued') {
    // The PDF travels as the attachment, never through a template.
    const { pdfBase64: _pdf, ...d } = data as EventPayload<'invoice.issued'>;
    return {
      ...d,
      body: message.body,
      issuedOn: formatDay(d.issuedAt),
      documentName: d.kind === 'invoice' ? 'invoice' : 'credit note',
      filename: documentFilename(d.number),
    };
  }
  if (name === 'subscription.payment_failed') {
    const d = data as EventPayload<'subscription.payment_failed'>;
    return {
      ...d,
      reason: d.reason ? humanReason(d.reason) : null,
      nextRetry: d.nextRetryAt ? formatMoment(d.nextRetryAt) : null,
      updateCardUrl: links.billingAccountUrl,
    };
  }
  if (name.startsWith('subscription.')) {
    const d = data as EventPayload<'subscription.renewed'>;
    return { ...d, body: message.body, periodEnd: formatDay(d.currentPeriodEnd) };
  }
  return data;
}

/**
 * The email for an event: text and HTML from the event's templates, the HTML inside the shared
 * layout. Templates are compiled once at start (strict: a missing value is an error, not an
 * empty string), so a broken template stops the service instead of sending odd mail.
 */
export function renderEmail<N extends NotifiableEvent>(
  name: N,
  data: EventPayload<N>,
  message: Message,
  links: Links,
): { text: string; html: string } {
  const templates = compiled.get(name)!;
  const values = templateData(name, data, message, links);
  return {
    text: templates.text(values).trim() + '\n',
    html: layout({ title: message.title, content: templates.html(values) }),
  };
}

import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { EventPayload, Money } from '@switchyard/contracts';
import { formatMoney, notifiableEvents, type NotifiableEvent } from '../domain/compose-message.js';
import { SECRET_PLACEHOLDER } from './email-secret.js';

const templatesDir = new URL('../../templates/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, templatesDir), 'utf8');

// Two instances: HTML escapes every {{value}}; plain text must not (an "&" stays an "&").
const html = Handlebars.create();
const text = Handlebars.create();
for (const hb of [html, text]) hb.registerHelper('money', (m: Money) => formatMoney(m));

type Render = (data: object) => string;
const compiled = new Map<NotifiableEvent, { text: Render; html: Render }>(
  notifiableEvents.map((name) => [
    name,
    {
      text: text.compile(read(`${name}.text.hbs`), { noEscape: true, strict: true }),
      html: html.compile(read(`${name}.html.hbs`), { strict: true }),
    },
  ]),
);
const layout = html.compile(read('layout.html.hbs'), { strict: true });

/** Extra values some templates need, derived from the event. */
function templateData<N extends NotifiableEvent>(name: N, data: EventPayload<N>): object {
  if (name === 'user.password_reset_requested') {
    // The token itself is put in by the sender, from its sealed copy (email-secret.ts).
    return { ...data, resetToken: SECRET_PLACEHOLDER };
  }
  if (name === 'payment.refunded') {
    const d = data as EventPayload<'payment.refunded'>;
    return { ...d, complete: d.totalRefunded.amount >= d.captured.amount };
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
  title: string,
): { text: string; html: string } {
  const templates = compiled.get(name)!;
  const values = templateData(name, data);
  return {
    text: templates.text(values).trim() + '\n',
    html: layout({ title, content: templates.html(values) }),
  };
}

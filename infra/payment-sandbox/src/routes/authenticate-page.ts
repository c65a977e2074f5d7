import type { FastifyInstance } from 'fastify';
import { completeAuthentication } from '../domain/complete-authentication.js';
import { readParams } from '../params.js';
import { baseUrlOf } from '../request-context.js';
import type { Sandbox } from '../sandbox.js';
import { StripeApiError } from '../stripe-errors.js';
import { OutcomeParams } from '../schemas/test-helpers.js';
import type { IdParams } from './route-options.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body>
</html>`;

/**
 * The sandbox's 3-D Secure page (`next_action.redirect_to_url.url`): a form with "Complete"
 * and "Fail" buttons that posts back here; the intent then goes on, and the browser returns to
 * the `return_url` with Stripe's query parameters (`redirect_status=succeeded|failed`).
 */
export async function authenticatePage(app: FastifyInstance, { sandbox }: { sandbox: Sandbox }) {
  // A page, not JSON, for what goes wrong here too: an unknown intent, one already done.
  app.setErrorHandler((error, request, reply) => {
    const status = error instanceof StripeApiError ? error.status : 500;
    if (status >= 500) request.log.error({ err: error }, 'authentication page failed');
    const message = error instanceof StripeApiError ? error.message : 'Something went wrong.';
    return reply
      .status(status)
      .type('text/html; charset=utf-8')
      .send(page('Authentication unavailable', `<p>${escape(message)}</p>`));
  });

  const intentOf = (id: string) =>
    id.startsWith('seti_') ? sandbox.setupIntent(id) : sandbox.paymentIntent(id);

  app.get<IdParams>('/authenticate/:id', async (request, reply) => {
    const intent = intentOf(request.params.id);
    reply.type('text/html; charset=utf-8');
    if (intent.status !== 'requires_action')
      return page(
        'Authentication complete',
        `<p>Nothing left to authenticate (${escape(intent.status)}).</p>`,
      );
    const what =
      intent.object === 'payment_intent'
        ? `a payment of ${(intent.amount / 100).toFixed(2)} ${intent.currency.toUpperCase()}`
        : 'saving this card for later payments';
    return page(
      'Authenticate your card',
      `<p>Sandbox 3-D Secure for ${escape(what)} (${escape(intent.id)}).</p>
<form method="post" action="/authenticate/${escape(intent.id)}">
<button type="submit" name="outcome" value="succeeded">Complete</button>
<button type="submit" name="outcome" value="failed">Fail</button>
</form>`,
    );
  });

  app.post<IdParams>('/authenticate/:id', async (request, reply) => {
    const { outcome } = readParams(OutcomeParams, request.body);
    const intent = intentOf(request.params.id);
    const returnUrl = intent.next_action?.redirect_to_url?.return_url ?? null;
    const cause = { id: null, idempotency_key: null };
    const done = completeAuthentication(sandbox, intent.id, outcome, cause, baseUrlOf(request));
    if (!returnUrl)
      return reply
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Authentication complete',
            `<p>${escape(intent.id)} is now ${escape(done.status)}.</p>`,
          ),
        );
    const back = new URL(returnUrl);
    const kind = done.object === 'setup_intent' ? 'setup_intent' : 'payment_intent';
    back.searchParams.set(kind, done.id);
    back.searchParams.set(`${kind}_client_secret`, done.client_secret ?? '');
    back.searchParams.set(
      'redirect_status',
      outcome === 'succeeded' && done.status !== 'requires_payment_method' ? 'succeeded' : 'failed',
    );
    return reply.redirect(back.toString(), 303);
  });
}

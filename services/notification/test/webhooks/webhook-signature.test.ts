// Integrators verify our deliveries with a Standard Webhooks library, as docs/notifications.md
// and packages/client/README.md tell them to: the npm `standardwebhooks` library, at the version
// an integrator installs today, must accept what our code signs and refuse anything else.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { newSigningSecret } from '../../src/webhooks/signing-secret.js';
import {
  standardSignature,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from '../../src/webhooks/webhook-signature.js';

/** The headers a delivery carries, signed as the webhook dispatcher signs them. */
function delivery(secrets: string[], body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const id = randomUUID();
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
    [WEBHOOK_SIGNATURE_HEADER]: standardSignature(secrets, id, timestamp, body),
  };
}

const body = JSON.stringify({
  id: randomUUID(),
  type: 'order.paid',
  createdAt: new Date().toISOString(),
  data: { orderId: randomUUID(), total: { amount: 2500, currency: 'EUR' } },
});

describe('webhook signatures, verified by the standardwebhooks library', () => {
  it('verifies a delivery signed with a new secret and gives back its event', () => {
    const secret = newSigningSecret();
    const event = new Webhook(secret).verify(body, delivery([secret], body));
    expect(event).toEqual(JSON.parse(body));
  });

  it('verifies with either secret while a rotated one overlaps (two signatures)', () => {
    const [current, previous] = [newSigningSecret(), newSigningSecret()];
    const headers = delivery([current, previous], body);
    expect(headers[WEBHOOK_SIGNATURE_HEADER].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
  });

  it('refuses a changed body, another secret, and a stale timestamp', () => {
    const secret = newSigningSecret();
    const webhook = new Webhook(secret);
    expect(() => webhook.verify(body.replace('2500', '1'), delivery([secret], body))).toThrow(
      /signature/i,
    );
    expect(() => webhook.verify(body, delivery([newSigningSecret()], body))).toThrow(/signature/i);
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    expect(() => webhook.verify(body, delivery([secret], body, tenMinutesAgo))).toThrow(
      /timestamp/i,
    );
  });
});

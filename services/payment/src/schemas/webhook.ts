import { Type } from '@sinclair/typebox';

export const WebhookAck = Type.Object({
  received: Type.Boolean(),
  /** Reported before, or already what the payment holds: nothing was changed. */
  duplicate: Type.Optional(Type.Boolean()),
  /** An event type this service does not act on. */
  ignored: Type.Optional(Type.Boolean()),
});

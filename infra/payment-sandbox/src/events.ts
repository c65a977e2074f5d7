import type Stripe from 'stripe';
import { newId, unixSeconds } from './ids.js';
import type { StoredObject } from './store.js';

export const API_VERSION = '2026-11-18.endive';

/** A Stripe Event as the sandbox sends it (Stripe.Event without its per-type narrowing). */
export interface SandboxEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: StoredObject };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: Stripe.Event.Type;
}

/** The API request that caused an event, or none for one the sandbox made on its own. */
export type EventCause = SandboxEvent['request'];
export const automatic: EventCause = { id: null, idempotency_key: null };

/** An event about a snapshot of the object as it is now: later changes do not alter it. */
export function newEvent(
  type: Stripe.Event.Type,
  object: StoredObject,
  cause: EventCause,
  pendingWebhooks: number,
): SandboxEvent {
  return {
    id: newId('evt'),
    object: 'event',
    api_version: API_VERSION,
    created: unixSeconds(),
    data: { object: structuredClone(object) },
    livemode: false,
    pending_webhooks: pendingWebhooks,
    request: cause,
    type,
  };
}

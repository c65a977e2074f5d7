import type { Sandbox } from './sandbox.js';
import type { StoredObject } from './store.js';
import { invalidRequest } from './stripe-errors.js';

type Expandable = Record<string, unknown> & StoredObject;

function expandPath(sandbox: Sandbox, object: Expandable, path: string[]): void {
  const [head, ...rest] = path;
  if (!head) return;
  if (head === 'refunds' && object.object === 'charge') {
    const data = sandbox.store
      .all<Expandable>('refund')
      .filter((refund) => refund.charge === object.id);
    object.refunds = {
      object: 'list',
      data,
      has_more: false,
      url: `/v1/charges/${object.id}/refunds`,
    };
    return;
  }
  const value = object[head];
  if (value === undefined)
    throw invalidRequest(`This property cannot be expanded (${head}).`, { param: 'expand' });
  if (typeof value === 'string') {
    const found = sandbox.store.getAny(value);
    if (found) object[head] = structuredClone(found);
  }
  const inner = object[head];
  if (rest.length > 0 && inner && typeof inner === 'object')
    expandPath(sandbox, inner as Expandable, rest);
}

/**
 * A copy of the object with the ids named by `expand[]` (`latest_charge`,
 * `latest_charge.refunds`, `payment_intent`, `customer`…) replaced by their objects, and a
 * charge's `refunds` list when asked for, as Stripe's `expand` does.
 */
export function expand<T extends StoredObject>(
  sandbox: Sandbox,
  object: T,
  paths: string[] = [],
): T {
  const copy = structuredClone(object) as unknown as Expandable;
  for (const path of paths) expandPath(sandbox, copy, path.split('.'));
  return copy as unknown as T;
}

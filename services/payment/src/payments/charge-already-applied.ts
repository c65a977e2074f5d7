import type pg from 'pg';
import type { ProviderCharge } from '../provider/provider-types.js';
import { planChangesNothing, planChargeUpdate, type PaymentStatus } from './charge-plan.js';

/**
 * Does our payment already agree with this snapshot of its charge? One indexed read, no lock,
 * no transaction of its own: the provider's webhook for a charge the consumer has just applied (its
 * immediate answer) — every successful order — needs nothing more. True only when applying it
 * could change nothing: the payment holds this very charge, its order is not cancelled (a
 * cancellation owes a refund: the full path), the snapshot reports no succeeded refund (those
 * take the full path too), and the state machine moves nothing. The state only ever moves
 * forward, so what was read committed stays true: applying the snapshot later would do nothing.
 */
export async function chargeAlreadyApplied(
  sql: Pick<pg.ClientBase, 'query'>,
  charge: ProviderCharge,
): Promise<boolean> {
  if (charge.refunds.some((r) => r.status === 'succeeded')) return false;
  // A prepared statement (on the pool, or the charge transaction's connection), not the ORM:
  // every order's webhook takes this path.
  const {
    rows: [payment],
  } = await sql.query<{ status: string; amount_minor: number; amount_refunded_minor: number }>({
    name: 'payment-charge-already-applied',
    text: `SELECT status, amount_minor, amount_refunded_minor FROM payments
              WHERE provider_charge_id = $1 AND NOT order_cancelled`,
    values: [charge.id],
  });
  if (!payment) return false;
  const plan = planChargeUpdate(
    {
      status: payment.status as PaymentStatus,
      amountMinor: payment.amount_minor,
      amountRefundedMinor: payment.amount_refunded_minor,
    },
    [],
    charge,
  );
  return planChangesNothing(plan);
}

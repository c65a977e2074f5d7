import { queryDb } from '@switchyard/testing';
import type { PlacedOrder } from '../workload.js';
import { checkResult, type CheckResult } from './check.js';

/**
 * Every order that got a 201 exists and ended where its story says it should: 0 lost, 0
 * stuck (still pending payment), 0 in a state its story does not allow.
 */
export async function checkOrders(orderDb: string, placed: PlacedOrder[]): Promise<CheckResult> {
  const rows = await queryDb<{ id: string; status: string }>(
    orderDb,
    'SELECT id, status FROM orders WHERE id = ANY($1::uuid[])',
    [placed.map((o) => o.id)],
  );
  const statusOf = new Map(rows.map((r) => [r.id, r.status]));
  const problems: string[] = [];
  const lostIds: string[] = [];
  const stuckIds: string[] = [];
  let unexpected = 0;
  for (const order of placed) {
    const status = statusOf.get(order.id);
    if (!status) {
      lostIds.push(order.id);
      problems.push(`order ${order.id} (${order.scenario}) got a 201 and does not exist`);
    } else if (status === 'pending_payment') {
      stuckIds.push(order.id);
      problems.push(`order ${order.id} (${order.scenario}) is still pending payment`);
    } else if (!order.expected.includes(status)) {
      unexpected++;
      problems.push(
        `order ${order.id} (${order.scenario}) is ${status}, expected ${order.expected.join(' or ')}`,
      );
    }
  }
  const byStatus: Record<string, number> = {};
  for (const r of rows) byStatus[`status_${r.status}`] = (byStatus[`status_${r.status}`] ?? 0) + 1;
  return checkResult(
    'orders: none lost, none stuck',
    {
      accepted: placed.length,
      lost: lostIds.length,
      stuck: stuckIds.length,
      unexpected,
      ...byStatus,
    },
    problems,
    { lost: lostIds, stuck: stuckIds },
  );
}

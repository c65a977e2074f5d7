import { queryDb } from '@switchyard/testing';
import type { InjectedFault } from './faults.js';
import { isFailure } from './http.js';
import type { CheckResult } from './invariants/check.js';
import type { PlacedOrder, RequestRecord } from './workload.js';

export interface FaultAvailability {
  fault: string;
  injectedAt: string;
  /** How long the fault itself lasted (down time, pause). */
  durationMs: number;
  requests: number;
  /** Share of client requests answered 5xx or timed out, from injection to the next fault. */
  failedShare: number;
  failed: number;
  /** Failed requests by operation (place_order, get_order, refund…). */
  failedByOp: Record<string, number>;
  /** Orders accepted (201) from injection until the next fault. */
  ordersPlaced: number;
  /** Of those: lost, stuck, charged twice (all expected 0). */
  lost: number;
  stuck: number;
  doubleCharged: number;
  /** From injection until a request sent after it succeeded: clients are answered again. */
  answeringAfterMs: number | null;
  /** From injection until an order placed after it was paid: orders flow again. */
  recoveryMs: number | null;
}

/**
 * Per fault: what clients saw from its injection until the next one, and how soon the
 * platform paid an order placed after the injection. Paid times come from the order's own
 * timeline (order_status_changes), so they do not depend on the client polling.
 */
export async function availabilityPerFault(
  faults: InjectedFault[],
  requests: RequestRecord[],
  orderDb: string,
  workloadEndedAt: number,
  placed: PlacedOrder[],
  checks: CheckResult[],
): Promise<FaultAvailability[]> {
  const flagged = (kind: string) => new Set(checks.flatMap((c) => c.orderIds?.[kind] ?? []));
  const [lost, stuck, doubleCharged] = ['lost', 'stuck', 'double_charged'].map(flagged);
  const paid = await queryDb<{ created: Date; paid: Date }>(
    orderDb,
    `SELECT o.created_at AS created, min(c.created_at) AS paid
       FROM orders o JOIN order_status_changes c ON c.order_id = o.id AND c.to_status = 'paid'
      GROUP BY o.id, o.created_at`,
  );
  return faults.map((fault, i) => {
    const until = faults[i + 1]?.injectedAt ?? workloadEndedAt;
    const window = requests.filter((r) => r.at >= fault.injectedAt && r.at < until);
    const failures = window.filter((r) => isFailure(r.status));
    const failed = failures.length;
    const failedByOp: Record<string, number> = {};
    for (const r of failures)
      failedByOp[`${r.op} ${r.status}`] = (failedByOp[`${r.op} ${r.status}`] ?? 0) + 1;
    const firstPaid = paid
      .filter((p) => p.created.getTime() >= fault.injectedAt)
      .reduce<number | null>(
        (min, p) => (min === null || p.paid.getTime() < min ? p.paid.getTime() : min),
        null,
      );
    const firstAnswer = requests
      .filter((r) => r.at >= fault.injectedAt && typeof r.status === 'number' && r.status < 300)
      .reduce<number | null>(
        (min, r) => (min === null || r.at + r.ms < min ? r.at + r.ms : min),
        null,
      );
    const ordersInWindow = placed.filter(
      (o) => o.placedAt >= fault.injectedAt && o.placedAt < until,
    );
    return {
      ordersPlaced: ordersInWindow.length,
      lost: ordersInWindow.filter((o) => lost!.has(o.id)).length,
      stuck: ordersInWindow.filter((o) => stuck!.has(o.id)).length,
      doubleCharged: ordersInWindow.filter((o) => doubleCharged!.has(o.id)).length,
      answeringAfterMs: firstAnswer === null ? null : firstAnswer - fault.injectedAt,
      fault: fault.name,
      injectedAt: new Date(fault.injectedAt).toISOString(),
      durationMs: fault.endedAt - fault.injectedAt,
      requests: window.length,
      failed,
      failedByOp,
      failedShare: window.length ? failed / window.length : 0,
      recoveryMs: firstPaid === null ? null : firstPaid - fault.injectedAt,
    };
  });
}

import type { ChaosReport } from './run.js';

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** The run as a reader wants it: one line per fault, one per check, problems listed. */
export function printReport(report: ChaosReport, print: (line: string) => void): void {
  const o = report.orders;
  print(
    `\norders: ${o.accepted} accepted, ${o.outOfStock} refused out of stock (409), ${o.abandoned} abandoned; ` +
      `${o.requests} requests, ${o.failedRequests} answered 5xx or timed out`,
  );
  const s = report.subscriptions;
  print(
    `subscriptions: ${s.accepted} accepted, ${s.abandoned} abandoned; billing's clock moved ${s.clockSteps} months`,
  );
  print(
    '\n| fault | lasted | orders placed | lost | stuck | charged twice | requests | 5xx/timeouts | answering again | orders paid again | failed requests |',
  );
  print('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const a of report.availability)
    print(
      `| ${a.fault} | ${seconds(a.durationMs)} | ${a.ordersPlaced} | ${a.lost} | ${a.stuck} | ${a.doubleCharged} | ${a.requests} | ${a.failed} (${percent(a.failedShare)}) | ` +
        `${seconds(a.answeringAfterMs)} | ${seconds(a.recoveryMs)} | ${Object.entries(a.failedByOp)
          .map(([op, n]) => `${op}: ${n}`)
          .join(', ')} |`,
    );
  print(
    `\nquiet ${seconds(report.settledAfterMs)} after the last fault; supervisor restarts: ${JSON.stringify(report.restarts)}`,
  );
  for (const check of report.checks) {
    print(`${check.ok ? 'PASS' : 'FAIL'} ${check.name} ${JSON.stringify(check.figures)}`);
    for (const p of check.problems.slice(0, 20)) print(`     ${p}`);
  }
  if (report.replay)
    print(
      `${report.replay.changedTables.length ? 'FAIL' : 'PASS'} replay from offset 0: ` +
        `${report.replay.replayedMessages} messages, caught up in ${seconds(report.replay.catchUpMs)}, ` +
        `changed tables: ${report.replay.changedTables.join(', ') || 'none'}`,
    );
  if (report.outage)
    print(
      `broker outage ${seconds(report.outage.downMs)}: ${report.outage.accepted}/${report.outage.attempted} orders accepted, ` +
        `${report.outage.failed} failed, drained ${seconds(report.outage.drainMs)} after Kafka returned`,
    );
  print(report.ok ? '\nchaos: every invariant held' : '\nchaos: INVARIANTS VIOLATED');
}

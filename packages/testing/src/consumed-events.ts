/**
 * How many `event` messages a service's consumer counted with `outcome` (applied, duplicate,
 * dead_lettered, …), read from its Prometheus `/metrics` text. Lets a test wait until a
 * redelivery was really consumed before asserting that it changed nothing.
 */
export function consumedEvents(metricsText: string, event: string, outcome: string): number {
  const pattern = new RegExp(
    `^events_consumed_total\\{[^}]*event="${event.replace(/\./g, '\\.')}"[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`,
    'm',
  );
  const match = pattern.exec(metricsText);
  return match ? Number(match[1]) : 0;
}

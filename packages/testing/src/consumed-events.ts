/**
 * The value of a Prometheus series in `/metrics` text: the sum of every series of `name`
 * whose labels include `labels` (0 when none). For asserting that a counter moved.
 */
export function metricValue(
  metricsText: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    if (Object.entries(labels).every(([key, value]) => series[key] === value)) {
      total += Number(match[3]);
    }
  }
  return total;
}

/**
 * How many `event` messages a service's consumer counted with `outcome` (applied, duplicate,
 * dead_lettered, …), read from its Prometheus `/metrics` text. Lets a test wait until a
 * redelivery was really consumed before asserting that it changed nothing.
 */
export function consumedEvents(metricsText: string, event: string, outcome: string): number {
  return metricValue(metricsText, 'events_consumed_total', { event, outcome });
}

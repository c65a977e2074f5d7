import type client from 'prom-client';

/** The metric named `name` in `registry`, created once: several instances share one series. */
export function registeredMetric<T extends client.Metric>(
  registry: client.Registry | undefined,
  name: string,
  create: (registers: client.Registry[]) => T,
): T {
  return (registry?.getSingleMetric(name) as T | undefined) ?? create(registry ? [registry] : []);
}

// Requests and limits come from measured figures (the rule: docs/deploy.md, "Resources"): each main
// container's memory request covers the RSS measured at rest on the benchmark stand with some
// headroom, and its limit leaves about half as much again for load.
import { renderOverlay } from './manifests.js';

/**
 * RSS at rest on the benchmark stand when the requests were sized, MiB; the latest run's figures
 * are in docs/benchmarks.md, "The stack at rest".
 */
const MEASURED_RSS_MIB = {
  auth: 265,
  order: 239,
  payment: 235,
  notification: 228,
  // The skeleton on the native stack (before its routes): measure again when they land.
  billing: 198,
  gateway: 148,
};

const mebibytes = (quantity: string) => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
};

describe.each(['production', 'local'])('overlay %s: resources from the measured RSS', (overlay) => {
  const deployments = renderOverlay(overlay).filter((o) => o.kind === 'Deployment');

  it.each(Object.entries(MEASURED_RSS_MIB))('%s (%i MiB at rest)', (name, rss) => {
    const deployment = deployments.find((d) => d.metadata.name === name)!;
    const container = deployment.spec!.template!.spec!.containers.find((c) => c.name === name)!;
    const { requests, limits } = container.resources as {
      requests: Record<string, string>;
      limits: Record<string, string>;
    };
    const request = mebibytes(requests.memory!);
    const limit = mebibytes(limits.memory!);
    expect(request).toBeGreaterThanOrEqual(rss * 1.1);
    expect(request).toBeLessThanOrEqual(rss * 1.35);
    expect(limit / request).toBeGreaterThanOrEqual(1.4);
    expect(limit / request).toBeLessThanOrEqual(1.6);
  });
});

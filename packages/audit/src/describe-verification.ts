import type { StreamVerification } from './verify-audit-chain.js';

/**
 * A verification as a command line prints it: one line per stream — intact, with its head's
 * hash (worth keeping outside the database: a chain rewritten whole from some entry on holds
 * together, and only a head recorded elsewhere shows it), or broken at its first broken link.
 */
export function describeVerification(results: StreamVerification[]): {
  ok: boolean;
  lines: string[];
} {
  if (results.length === 0) return { ok: true, lines: ['no audit entries yet'] };
  const lines = results.map((r) => {
    const from = r.anchor.seq === '0' ? 'from the start' : `from anchor seq ${r.anchor.seq}`;
    return r.broken
      ? `${r.stream}: BROKEN at seq ${r.broken.seq}${r.broken.id ? ` (entry ${r.broken.id})` : ''}: ${r.broken.problem}; ${r.checked} entries before it hold (${from})`
      : `${r.stream}: intact, ${r.checked} entries ${from} to seq ${r.head.seq}, head hash ${r.head.hash}`;
  });
  return { ok: results.every((r) => r.broken === null), lines };
}

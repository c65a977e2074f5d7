/** Longer than a service's own 2 s per check: a slow answer still counts, a hung one does not. */
const ANSWER_WITHIN_MS = 5_000;

/** A process's `/readyz` answer: its status and checks, or null when it does not answer. */
export async function readyz(
  baseUrl: string,
): Promise<{ status: number; checks: Record<string, string> } | null> {
  // Bounded: a poll without a timeout would wait on one hung request past its own deadline.
  const res = await fetch(`${baseUrl}/readyz`, {
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
  }).catch(() => null);
  if (!res) return null;
  const body = (await res.json().catch(() => ({}))) as { checks?: Record<string, string> };
  return { status: res.status, checks: body.checks ?? {} };
}

/** A service's Kafka consumer state as `/readyz` reports it (`consuming`, `joining`, …). */
export async function consumerState(baseUrl: string): Promise<string> {
  return (await readyz(baseUrl))?.checks.consumer ?? 'no answer';
}

/** Whether a service's Kafka consumer has joined its group and is consuming. */
export async function isConsuming(baseUrl: string): Promise<boolean> {
  return (await consumerState(baseUrl)) === 'consuming';
}

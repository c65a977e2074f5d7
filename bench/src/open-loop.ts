// An open-loop load of orders: placements start on a fixed schedule (rate per second), whether
// or not earlier ones were answered — a closed loop would slow down with the system and hide
// its queueing. Customers take turns, each with their own token, as real traffic has.
import { ONE_MUG } from './stand.js';
import type { SagaTarget } from './target.js';

export interface Placement {
  orderId: string;
  /** When the POST left the client (ms since the epoch; the same host clock as the database). */
  sentAt: number;
}

export interface OpenLoopResult {
  rate: number;
  seconds: number;
  placed: Placement[];
  /** Answers other than 201, by status ('error' for a connection failure). */
  refused: Record<string, number>;
}

/** Place one order as `token`; the placement, or the status it was refused with. */
async function placeOne(stand: SagaTarget, token: string): Promise<Placement | string> {
  const sentAt = Date.now();
  try {
    const res = await fetch(`${stand.gatewayUrl}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: ONE_MUG,
    });
    const body = (await res.json()) as { id?: string };
    return res.status === 201 && body.id ? { orderId: body.id, sentAt } : String(res.status);
  } catch {
    return 'error';
  }
}

/** Start `rate` placements per second for `seconds`, then wait for every answer. */
export async function placeAtRate(
  stand: SagaTarget,
  rate: number,
  seconds: number,
): Promise<OpenLoopResult> {
  const placed: Placement[] = [];
  const refused: Record<string, number> = {};
  const answers: Promise<void>[] = [];
  const started = Date.now();
  const total = Math.round(rate * seconds);
  const customers = await stand.customers();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const customer = customers[i % customers.length]!;
    answers.push(
      placeOne(stand, customer.token).then((answer) => {
        if (typeof answer === 'string') refused[answer] = (refused[answer] ?? 0) + 1;
        else placed.push(answer);
      }),
    );
  }
  await Promise.all(answers);
  return { rate, seconds, placed, refused };
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Platform } from '@switchyard/testing';
import type { Kafka } from 'kafkajs';
import { signIn, type Actors } from './actors.js';
import { isFailure, request } from './http.js';
import type { OwnKafka } from './infrastructure/kafka.js';
import type { RunData } from './invariants/check.js';
import { waitForQuiescence } from './settle.js';

export interface OutageResult {
  downMs: number;
  /** Orders placed while the broker was down, and how many got a 201 (the outbox buffers). */
  attempted: number;
  accepted: number;
  failed: number;
  /** From the broker's return until every order placed during the outage settled. */
  drainMs: number | null;
  acceptedIds: string[];
}

/**
 * Stop Kafka for `downMs` while customers keep ordering: orders are still accepted (they wait
 * in the outbox), and everything drains once the broker is back.
 */
export async function brokerOutage(
  platform: Platform,
  kafka: OwnKafka,
  kafkaClient: Kafka,
  actors: Actors,
  data: RunData,
  downMs: number,
): Promise<OutageResult> {
  for (const customer of actors.customers) await signIn(platform.gatewayUrl, customer);
  await kafka.stop();
  const stoppedAt = Date.now();
  const acceptedIds: string[] = [];
  let attempted = 0;
  let failed = 0;
  while (Date.now() - stoppedAt < downMs) {
    attempted++;
    const customer = actors.customers[attempted % actors.customers.length]!;
    const placed = await request(platform.gatewayUrl, 'POST', '/v1/orders', {
      token: customer.token,
      body: {
        lines: [{ productId: actors.products.plentiful[0], quantity: 1 }],
        paymentMethod: 'pm_card_visa',
      },
    });
    if (placed.status === 201) acceptedIds.push(placed.body.id);
    else if (isFailure(placed.status)) failed++;
    await sleep(500);
  }
  await kafka.start();
  const backAt = Date.now();
  const settled = await waitForQuiescence(
    data,
    kafkaClient,
    platform.namespace,
    acceptedIds,
    300_000,
  );
  return {
    downMs: backAt - stoppedAt,
    attempted,
    accepted: acceptedIds.length,
    failed,
    drainMs: settled.afterMs === null ? null : Date.now() - backAt,
    acceptedIds,
  };
}

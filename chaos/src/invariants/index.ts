import type { Kafka } from 'kafkajs';
import type { IntegratorReceiver } from '../webhook-receiver.js';
import type { PlacedOrder } from '../workload.js';
import type { CheckResult, RunData } from './check.js';
import { checkMoneyAndStock } from './money.js';
import { checkNotifications } from './notifications.js';
import { checkOrders } from './orders.js';
import { checkPipeline } from './pipeline.js';
import { checkWebhooks } from './webhooks.js';

/** Every invariant a quiet platform must satisfy after a run (chaos, soak, the tests). */
export async function checkEverything(
  data: RunData,
  kafka: Kafka,
  namespace: string,
  receiver: IntegratorReceiver,
  placed: PlacedOrder[],
): Promise<CheckResult[]> {
  return [
    await checkOrders(data.databases.order, placed),
    await checkMoneyAndStock(data),
    await checkNotifications(data),
    await checkWebhooks(data, receiver),
    await checkPipeline(data, kafka, namespace),
  ];
}

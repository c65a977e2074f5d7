import type { Kafka } from 'kafkajs';
import type { IntegratorReceiver } from '../webhook-receiver.js';
import type { PlacedOrder } from '../workload.js';
import { checkBilling } from './billing.js';
import type { CheckResult, RunData } from './check.js';
import { checkMoneyAndStock } from './money.js';
import { checkNotifications } from './notifications.js';
import { checkOrders } from './orders.js';
import { checkPipeline } from './pipeline.js';
import { checkSubscriptions } from './subscriptions.js';
import { checkWebhooks } from './webhooks.js';

/**
 * Every invariant a quiet platform must satisfy after a run (chaos, soak, the tests); the
 * subscriptions the run accepted, and how often it moved billing's clock, when it had any.
 */
export async function checkEverything(
  data: RunData,
  kafka: Kafka,
  namespace: string,
  receiver: IntegratorReceiver,
  placed: PlacedOrder[],
  subscriptions: { ids: string[]; clockSteps: number } = { ids: [], clockSteps: 0 },
): Promise<CheckResult[]> {
  return [
    await checkOrders(data.databases.order, placed),
    await checkMoneyAndStock(data),
    await checkSubscriptions(data, subscriptions.ids, subscriptions.clockSteps),
    ...(await checkBilling(data)),
    await checkNotifications(data),
    await checkWebhooks(data, receiver),
    await checkPipeline(data, kafka, namespace),
  ];
}

/**
 * Every Kafka topic the platform uses, declared once. infra/kafka creates them at start;
 * one topic per aggregate type so each aggregate's events stay ordered by key.
 */
export const Topics = {
  users: 'switchyard.users.v1',
  orders: 'switchyard.orders.v1',
  payments: 'switchyard.payments.v1',
  billing: 'switchyard.billing.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/** A message that fails its bounded retries goes here, never dropped silently. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlt`;
}

export const allTopics: string[] = Object.values(Topics).flatMap((t) => [t, deadLetterTopicOf(t)]);

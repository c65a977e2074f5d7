import { createRequire } from 'node:module';
import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { isTransientError } from '@switchyard/service-kit';

/**
 * Which refusals from Kafka are an outbox row's own fault? Only a record the broker refuses
 * whoever sends it (too large, malformed): the relay parks that row so the rows behind it
 * flow. Everything else the broker refuses (authorization, producer state, timestamps, topic
 * configuration) is about the broker or its configuration: retried, nothing parked, order
 * kept — parking there would move healthy rows (an order.created) aside during an incident.
 *
 * The errors are kafkajs's own: protocol errors built from the broker's error code, passed
 * through kafkajs's retrier exactly as a producer's send passes them (a non-retriable one
 * comes back wrapped in KafkaJSNonRetriableError, or bare when the send bails).
 */
const require = createRequire(import.meta.url);
// kafkajs's own table from the broker's error code to { type, code, retriable, message }.
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
  createErrorFromCode(code: number): Error & { type: string; retriable: boolean };
};
const createRetry = require('kafkajs/src/retry') as (options: {
  retries: number;
  initialRetryTime: number;
}) => <T>(fn: (bail: (error: Error) => void) => Promise<T>) => Promise<T>;

const CODES = {
  CORRUPT_MESSAGE: 2,
  MESSAGE_TOO_LARGE: 10,
  RECORD_LIST_TOO_LARGE: 18,
  INVALID_TOPIC_EXCEPTION: 17,
  TOPIC_AUTHORIZATION_FAILED: 29,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  INVALID_TIMESTAMP: 32,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 53,
  UNKNOWN_PRODUCER_ID: 59,
  INVALID_RECORD: 87,
  PRODUCER_FENCED: 90,
} as const;
type ErrorType = keyof typeof CODES;

const protocolError = (type: ErrorType) =>
  new KafkaJSProtocolError(createErrorFromCode(CODES[type]));

/** The error kafkajs's retrier rejects with when the attempt throws this protocol error. */
async function throughRetrier(type: ErrorType, bail: boolean): Promise<unknown> {
  const retry = createRetry({ retries: 0, initialRetryTime: 1 });
  return retry(async (bailOut) => {
    const error = protocolError(type);
    if (bail) bailOut(error);
    else throw error;
  }).then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('broker refusals: the row’s fault or the broker’s', () => {
  const recordFaults: ErrorType[] = [
    'MESSAGE_TOO_LARGE',
    'RECORD_LIST_TOO_LARGE',
    'INVALID_RECORD',
    'CORRUPT_MESSAGE',
  ];
  const brokerFaults: ErrorType[] = [
    'TOPIC_AUTHORIZATION_FAILED',
    'CLUSTER_AUTHORIZATION_FAILED',
    'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
    'UNKNOWN_PRODUCER_ID',
    'OUT_OF_ORDER_SEQUENCE_NUMBER',
    'INVALID_PRODUCER_EPOCH',
    'PRODUCER_FENCED',
    'INVALID_TIMESTAMP',
    'INVALID_TOPIC_EXCEPTION',
  ];

  it.each(recordFaults)(
    'a record refused with %s is the row’s fault, however it is wrapped',
    async (type) => {
      expect(isTransientError(protocolError(type))).toBe(false);
      expect(isTransientError(await throughRetrier(type, true))).toBe(false);
      expect(isTransientError(await throughRetrier(type, false))).toBe(false);
    },
  );

  it.each(brokerFaults)(
    '%s is the broker’s, retried: bare or wrapped in KafkaJSNonRetriableError',
    async (type) => {
      const wrapped = await throughRetrier(type, false);
      expect(wrapped).toBeInstanceOf(KafkaJSNonRetriableError);
      expect(isTransientError(wrapped)).toBe(true);
      expect(isTransientError(await throughRetrier(type, true))).toBe(true);
      expect(isTransientError(protocolError(type))).toBe(true);
    },
  );

  it('a non-retriable kafkajs error that names no record fault (a producer shutting down) is retried', () => {
    const disconnecting = new KafkaJSNonRetriableError(
      "The producer is disconnecting; therefore, it can't safely accept messages anymore",
    );
    expect(isTransientError(disconnecting)).toBe(true);
  });
});

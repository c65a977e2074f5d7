import { isConsuming, startPlatform, testKafka, waitFor, type Platform } from '@switchyard/testing';
import type { Kafka } from 'kafkajs';
import { prepareActors, type Actors } from './actors.js';
import { startOwnInfrastructure, type OwnInfrastructure } from './infrastructure/index.js';
import { runDataOf, type RunData } from './invariants/check.js';
import { CONSUMING_SERVICES } from './invariants/pipeline.js';
import { startIntegratorReceiver, type IntegratorReceiver } from './webhook-receiver.js';

export const REPLICAS = 2;

const standing = new Set<Stand>();

/** Take down whatever is standing (Ctrl-C): no process of the run may outlive it. */
export async function stopEverything(): Promise<void> {
  await Promise.all([...standing].map((stand) => stand.stop()));
}

/** Settings of the run where the defaults are tuned for production's slower rhythm. */
const RUN_SETTINGS = {
  // The integrators' receivers listen on loopback.
  WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
  WEBHOOK_RETRY_BASE_MS: '2000',
  WEBHOOK_TIMEOUT_MS: '3000',
  WATCHDOG_INTERVAL_MS: '5000',
  STUCK_AFTER_SECONDS: '15',
  RECONCILE_INTERVAL_MS: '20000',
  SANDBOX_DELAY_MS: '2000',
  // The longest allowed: the disabled user's token must outlive the run to prove anything.
  ACCESS_TOKEN_TTL_SECONDS: '3600',
  // Production's: the test harness shortens it only so that its many stops are quick.
  KAFKA_FETCH_MAX_WAIT_MS: '5000',
};

/** Everything a run stands on, and how to take it down. */
export interface Stand {
  infrastructure: OwnInfrastructure;
  platform: Platform;
  receiver: IntegratorReceiver;
  actors: Actors;
  data: RunData;
  kafka: Kafka;
  stop(): Promise<void>;
}

/**
 * PostgreSQL, Redis and Kafka of the run's own; the platform on them as real processes with
 * two replicas of each consuming service under a supervisor; the integrators' receiver; the
 * customers, admin and products — and every replica consuming before it returns.
 */
export async function standUp(log: (line: string) => void): Promise<Stand> {
  log('starting PostgreSQL, Redis and Kafka of the run’s own');
  const infrastructure = await startOwnInfrastructure();
  const receiver = await startIntegratorReceiver();
  let platform: Platform | undefined;
  let stand: Stand;
  const stop = async () => {
    standing.delete(stand);
    await platform?.stop().catch(() => undefined);
    await receiver.close();
    await infrastructure.stop();
  };
  try {
    log('starting the platform: two replicas of each consuming service, supervised');
    platform = await startPlatform({
      replicas: { order: REPLICAS, payment: REPLICAS, notification: REPLICAS, billing: REPLICAS },
      // As in production: the gateway balances across every replica and routes around a dead one.
      gatewayToEveryReplica: true,
      supervise: { restartDelayMs: 1_000 },
      postgresUrl: infrastructure.postgres.url,
      redisUrl: infrastructure.redis.url,
      kafkaBrokers: infrastructure.kafka.brokers,
      databasePrefix: 'switchyard_chaos',
      logLevel: 'warn',
      env: RUN_SETTINGS,
    });
    const running = platform;
    const data = runDataOf(running);
    const actors = await prepareActors(running, receiver, { customers: 25, scarceStock: 60 });
    await waitFor(
      async () => {
        for (const r of running.replicas)
          if (
            (CONSUMING_SERVICES as readonly string[]).includes(r.name) &&
            !(await isConsuming(r.url))
          )
            return false;
        return true;
      },
      { timeoutMs: 60_000, what: 'every replica consuming' },
    );
    stand = {
      infrastructure,
      platform: running,
      receiver,
      actors,
      data,
      kafka: testKafka('chaos', infrastructure.kafka.brokers),
      stop,
    };
    standing.add(stand);
    return stand;
  } catch (error) {
    await stop();
    throw error;
  }
}

import path from 'node:path';
import { freePort, repoRoot } from '@switchyard/testing';
import { startOwnKafka, type OwnKafka } from './kafka.js';
import { startOwnPostgres, type OwnPostgres } from './postgres.js';
import { startOwnRedis, type OwnRedis } from './redis.js';

export interface OwnInfrastructure {
  postgres: OwnPostgres;
  redis: OwnRedis;
  kafka: OwnKafka;
  stop(): Promise<void>;
}

/**
 * PostgreSQL, Redis and Kafka of the run's own, on free loopback ports under .var/chaos, so
 * the run can crash and restart each one for real without touching the shared servers.
 */
export async function startOwnInfrastructure(): Promise<OwnInfrastructure> {
  const dir = path.join(repoRoot(), '.var/chaos');
  const [pgPort, redisPort, brokerPort, controllerPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const [postgres, redis, kafka] = await Promise.all([
    startOwnPostgres(path.join(dir, 'postgres'), pgPort),
    startOwnRedis(redisPort),
    startOwnKafka(path.join(dir, 'kafka'), { broker: brokerPort, controller: controllerPort }),
  ]);
  return {
    postgres,
    redis,
    kafka,
    async stop() {
      await Promise.all([postgres.stop(), redis.stop(), kafka.stop()]);
    },
  };
}

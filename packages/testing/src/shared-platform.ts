import { Redis } from 'ioredis';
import type { StackProcess } from '@switchyard/stack';
import { rateLimitNamespace, startPlatform, type Platform } from './platform.js';
import { testDatabaseTag } from './test-database.js';

/**
 * One platform shared by the end-to-end files that need nothing of their own (default options,
 * no faults): started once by jest's globalSetup, in the jest process, and described to the
 * test files through the environment, since a file's module registry is its own. A platform
 * start costs 15–18 s and a stop 5 s on the CI machine, so each file that shares saves both.
 * Files that share must leave it as they found it (a spent rate limit is reset, nothing killed).
 */
export interface SharedPlatform {
  gatewayUrl: string;
  processes: StackProcess[];
  serviceUrl(name: StackProcess['name']): string;
  /** Give every client its full request budget again (a test that spent it calls this). */
  resetRateLimits(): Promise<void>;
}

interface Description {
  gatewayUrl: string;
  processes: StackProcess[];
  serviceUrls: Record<string, string>;
  rateLimitNamespace: string;
  redisUrl: string;
}

const ENV_KEY = 'SWITCHYARD_SHARED_PLATFORM';
/** Where globalSetup keeps the running platform for globalTeardown (same process and realm). */
const RUNNING = Symbol.for('switchyard.sharedPlatform');
type WithRunning = typeof globalThis & { [RUNNING]?: Platform };

/** globalSetup: start the platform and describe it to the test files. */
export async function startSharedPlatform(): Promise<void> {
  const redisUrl = 'redis://127.0.0.1:6379';
  // Databases of its own: a file that starts its own platform resets the package's default ones.
  const platform = await startPlatform({
    redisUrl,
    databasePrefix: `switchyard_e2e_shared${testDatabaseTag()}`,
  });
  (globalThis as WithRunning)[RUNNING] = platform;
  const description: Description = {
    gatewayUrl: platform.gatewayUrl,
    processes: platform.processes,
    serviceUrls: Object.fromEntries(
      platform.replicas.filter((r) => r.index === 0).map((r) => [r.name, r.url]),
    ),
    rateLimitNamespace: rateLimitNamespace(platform.namespace),
    redisUrl,
  };
  process.env[ENV_KEY] = JSON.stringify(description);
}

/**
 * globalTeardown: stop the platform; every process must exit cleanly (code 0) after its
 * SIGTERM, as a pod must on a rolling update.
 */
export async function stopSharedPlatform(): Promise<void> {
  const platform = (globalThis as WithRunning)[RUNNING];
  if (!platform) return;
  delete (globalThis as WithRunning)[RUNNING];
  const names = platform.running.map((p) => p.name);
  const codes = await platform.stop();
  const unclean = names.map((name, i) => `${name}: ${codes[i]}`).filter((_, i) => codes[i] !== 0);
  if (unclean.length) throw new Error(`shared platform: unclean exits (${unclean.join(', ')})`);
}

/** In a test file: the platform globalSetup started. */
export function sharedPlatform(): SharedPlatform {
  const raw = process.env[ENV_KEY];
  if (!raw)
    throw new Error(
      `${ENV_KEY} is not set: this file runs in the e2e project whose globalSetup starts the shared platform (e2e/jest.config.js)`,
    );
  const description = JSON.parse(raw) as Description;
  return {
    gatewayUrl: description.gatewayUrl,
    processes: description.processes,
    serviceUrl(name) {
      const url = description.serviceUrls[name];
      if (!url) throw new Error(`the shared platform runs no ${name}`);
      return url;
    },
    async resetRateLimits() {
      const redis = new Redis(description.redisUrl, { maxRetriesPerRequest: 2 });
      try {
        const stream = redis.scanStream({
          match: `${description.rateLimitNamespace}*`,
          count: 500,
        });
        for await (const keys of stream as AsyncIterable<string[]>)
          if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  };
}

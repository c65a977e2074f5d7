import Fastify from 'fastify';
import { addServiceLifecycle } from '../src/service-lifecycle.js';

/**
 * The order a service starts and stops its parts in, on a real Fastify app with stand-in parts
 * that record when each step begins and ends. Every stand-in takes a few milliseconds, so a
 * step that were not awaited would show up overtaken by the next.
 */
describe('addServiceLifecycle', () => {
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

  function standIns() {
    const log: string[] = [];
    const step = (name: string) => async () => {
      log.push(`${name} begins`);
      await pause();
      log.push(`${name} ends`);
    };
    const task = (name: string) => ({
      start: () => log.push(`${name} start`),
      stop: step(`${name} stop`),
    });
    return {
      log,
      parts: {
        beforeStart: step('beforeStart'),
        messaging: { start: () => log.push('messaging start'), stop: step('messaging stop') },
        tasks: [task('expiry'), task('reconcile')],
        beforeStop: step('beforeStop'),
        afterStop: step('afterStop'),
        db: { $disconnect: step('db disconnect') },
      },
    };
  }

  it('starts what must be ready first, then messaging, then the jobs', async () => {
    const { log, parts } = standIns();
    const app = Fastify();
    addServiceLifecycle(app, parts);
    await app.ready();
    expect(log).toEqual([
      'beforeStart begins',
      'beforeStart ends',
      'messaging start',
      'expiry start',
      'reconcile start',
    ]);
    await app.close();
  });

  it('stops the jobs, then messaging (current message, outbox flush), and the database last', async () => {
    const { log, parts } = standIns();
    const app = Fastify();
    addServiceLifecycle(app, parts);
    await app.ready();
    log.length = 0;
    await app.close();
    expect(log).toEqual([
      'beforeStop begins',
      'beforeStop ends',
      'expiry stop begins',
      'expiry stop ends',
      'reconcile stop begins',
      'reconcile stop ends',
      'messaging stop begins',
      'messaging stop ends',
      'afterStop begins',
      'afterStop ends',
      'db disconnect begins',
      'db disconnect ends',
    ]);
  });

  it('needs neither jobs nor hooks of its own (a producer-only service)', async () => {
    const { log, parts } = standIns();
    const app = Fastify();
    addServiceLifecycle(app, { messaging: parts.messaging, tasks: [], db: parts.db });
    await app.ready();
    await app.close();
    expect(log).toEqual([
      'messaging start',
      'messaging stop begins',
      'messaging stop ends',
      'db disconnect begins',
      'db disconnect ends',
    ]);
  });
});

// jest's own order (failed files first, then the slowest), except that resilience.test.ts runs
// last. It measures how fast a killed replica is ready again, so it needs the CPU it waits for:
// `pnpm test` runs two packages' suites at a time, and e2e — which depends on every package —
// starts late and runs its last minutes alone, while first it shares two cores with another
// suite (the console's browser tests, in CI). Run first, it failed twice in a row there: a
// restarted replica needed 14–19 s where it needs 4–9 s on a quiet machine.
import Sequencer from '@jest/test-sequencer';

const LAST = ['resilience.test.ts'];

export default class E2eSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const isLast = (test) => LAST.some((name) => test.path.endsWith(`/${name}`));
    return [...sorted.filter((t) => !isLast(t)), ...sorted.filter(isLast)];
  }
}

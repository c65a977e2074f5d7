import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { summariseProfile } from '../src/cpu-profile.js';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

/** root → payment handler → pg query → Node's socket write → writev; and an idle node. */
const profile = {
  startTime: 0,
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 6] },
    {
      id: 2,
      callFrame: frame('charge', 'file:///work/main/services/payment/dist/charge.js'),
      children: [3],
    },
    {
      id: 3,
      callFrame: frame('query', 'file:///x/node_modules/.pnpm/pg@8/node_modules/pg/lib/client.js'),
      children: [4],
    },
    { id: 4, callFrame: frame('Socket._writev', 'node:net'), children: [5] },
    { id: 5, callFrame: frame('writev', '') },
    { id: 6, callFrame: frame('(idle)', '') },
  ],
  // 3 ticks in writev, 1 in our handler, 4 idle.
  samples: [5, 5, 5, 2, 6, 6, 6, 6],
  timeDeltas: [10, 10, 10, 10, 10, 10, 10, 10],
};

describe('a CPU profile summary', () => {
  it("charges Node's work to the package that asked for it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'profile-'));
    const file = path.join(dir, 'CPU.0.001.cpuprofile');
    await writeFile(file, JSON.stringify(profile));
    const summary = await summariseProfile(file);
    expect(summary.busyShare).toBeCloseTo(0.5);
    // By self time the socket write is "native"; by caller it is pg's.
    expect(summary.byPackage[0]).toEqual({ what: 'native', selfShare: 3 / 8 });
    expect(summary.byCaller).toEqual([
      { what: 'pg', selfShare: 3 / 8 },
      { what: 'services/payment', selfShare: 1 / 8 },
    ]);
  });
});

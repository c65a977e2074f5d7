import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createConcurrently, LogExit, Logger } from 'concurrently';
import { lineFormatter } from '../src/log-format.js';
import { FormattedLogOutput } from '../src/log-lines.js';

it('prints each process’s JSON lines readable, with its prefix, even when a line arrives in pieces', async () => {
  const logger = new Logger({ prefixFormat: '[{name}]' });
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  // One JSON line written in two pieces, a plain line, and a last line without a line feed.
  const script = [
    `const line = JSON.stringify({ level: 30, time: 0, service: 'order', msg: 'order placed' });`,
    `process.stdout.write(line.slice(0, 10));`,
    `setTimeout(() => { process.stdout.write(line.slice(10) + '\\nplain text\\n');`,
    `process.stderr.write(JSON.stringify({ level: 40, time: 0, msg: 'slow' })); }, 50);`,
  ].join('\n');
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'stack-log-')), 'emit.cjs');
  writeFileSync(file, script);
  const { result } = createConcurrently(
    [
      {
        name: 'order',
        command: `${process.execPath} ${file}`,
      },
    ],
    {
      logger,
      outputStream: out,
      controllers: [
        new FormattedLogOutput({ logger, format: lineFormatter('pretty', { colorize: false }) }),
        new LogExit({ logger }),
      ],
    },
  );
  await result;
  const lines = printed.split('\n');
  expect(lines).toContainEqual(
    expect.stringMatching(/^\[order\] \[\d\d:\d\d:00\.000\] INFO: order placed$/),
  );
  expect(lines).toContain('[order] plain text');
  expect(lines).toContainEqual(
    expect.stringMatching(/^\[order\] \[\d\d:\d\d:00\.000\] WARN: slow$/),
  );
});

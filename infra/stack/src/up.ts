// The local stack in the foreground, like `docker compose up`: migrates the databases, starts
// the SMTP capture and every service, prefixes their logs, prints the gateway URL once all are
// ready, and stops everything on Ctrl-C. At a terminal their JSON log lines are shown readable
// (log-format.ts). Kafka is started (and stopped) by up.sh around this.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createConcurrently,
  KillOnSignal,
  KillOthers,
  LogError,
  LogExit,
  Logger,
} from 'concurrently';
import { defaultPorts, stackProcesses } from './definition.js';
import { chooseLogFormat, lineFormatter, type LogFormat } from './log-format.js';
import { FormattedLogOutput } from './log-lines.js';
import { migrateStack, seedStack } from './migrate-stack.js';

const env = process.env;
const smtpPort = Number(env.SMTP_CAPTURE_SMTP_PORT ?? 1025);
const smtpWebPort = Number(env.SMTP_CAPTURE_WEB_PORT ?? 1080);
const processes = stackProcesses({
  ports: defaultPorts,
  postgresUrl: env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  databasePrefix: 'switchyard',
  kafkaBrokers: env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  kafkaNamespace: '',
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
  logLevel: env.LOG_LEVEL ?? 'info',
});

const say = (line: string) => console.log(`[stack] ${line}`);

let logFormat: LogFormat;
try {
  logFormat = chooseLogFormat(env, process.stdout.isTTY === true);
} catch (error) {
  console.error(`[stack] ${(error as Error).message}`);
  process.exit(1);
}
// Colours only for a person at a terminal that has not asked for none (https://no-color.org).
const formatLine = lineFormatter(logFormat, {
  colorize: process.stdout.isTTY === true && !env.NO_COLOR,
});
// Quote only what needs it: concurrently strips quotes that wrap a whole command line.
const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

await migrateStack(processes, say);
await seedStack(processes, say);

const maildev = path.join(
  path.dirname(createRequire(import.meta.url).resolve('maildev/package.json')),
  'bin/maildev',
);
// concurrently's core, with its controllers chosen here: its top-level helper ignores a custom
// spawn. Each process runs in its own process group, replacing its shell, so Ctrl-C reaches
// it exactly once (forwarded by KillOnSignal) and its graceful shutdown is not cut short.
const logger = new Logger({ prefixFormat: '[{name}]' });
const { result } = createConcurrently(
  [
    {
      name: 'smtp',
      command: `${quote(process.execPath)} ${quote(maildev)} --ip 127.0.0.1 --smtp ${smtpPort} --web ${smtpWebPort}`,
    },
    ...processes.map((p) => ({
      name: p.name,
      cwd: p.cwd,
      env: p.env,
      command: [process.execPath, ...p.args].map(quote).join(' '),
    })),
  ],
  {
    logger,
    outputStream: process.stdout,
    prefixColors: ['gray', 'cyan', 'green', 'yellow', 'magenta', 'blue'],
    spawn: (command, options) =>
      spawn('/bin/sh', ['-c', `exec ${command}`], { ...options, detached: true }),
    controllers: [
      new LogError({ logger }),
      new FormattedLogOutput({ logger, format: formatLine }),
      new LogExit({ logger }),
      new KillOnSignal({ process }),
      new KillOthers({ logger, conditions: ['failure'], killSignal: 'SIGTERM' }),
    ],
  },
);

async function waitUntilReady(): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (const p of processes) {
    while (true) {
      try {
        if ((await fetch(`http://127.0.0.1:${p.port}/readyz`)).ok) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`${p.name} did not become ready`);
      await sleep(300);
    }
  }
}

waitUntilReady().then(
  () => {
    say('all services are ready');
    say(`gateway:      http://127.0.0.1:${defaultPorts.gateway}`);
    say(`captured mail: http://127.0.0.1:${smtpWebPort}`);
    say(`payment sandbox: http://127.0.0.1:${defaultPorts.paymentSandbox} (test cards: README)`);
    say('press Ctrl-C to stop everything');
  },
  (error) => say(`startup problem: ${(error as Error).message}`),
);

let exitCode = 0;
try {
  await result;
} catch {
  // A process failed, or Ctrl-C stopped them all: concurrently has stopped the rest.
  exitCode = 1;
}
say('all processes stopped');
// Leave now, even if the readiness poller is still waiting, so up.sh can stop Kafka.
process.exit(exitCode);

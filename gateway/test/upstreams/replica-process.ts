import { freePort, startProcess, waitForHttp, type RunningProcess } from '@switchyard/testing';

/**
 * A real upstream process: GET /healthz, and every other request answered after `delayMs`
 * with which replica answered (so requests are in flight when the test stops or kills it).
 */
const SERVER = `
const http = require('node:http');
const [port, name, delayMs] = process.argv.slice(1);
const server = http.createServer((req, res) => {
  const answer = (body) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/healthz') return answer({ status: 'ok' });
  let bytes = 0;
  req.on('data', (chunk) => { bytes += chunk.length; });
  req.on('end', () => setTimeout(() => answer({ replica: name, method: req.method, bytes }), Number(delayMs)));
});
server.keepAliveTimeout = 60000;
server.listen(Number(port), '127.0.0.1');
`;

export interface ReplicaProcess {
  name: string;
  url: string;
  pid: number;
  /** Send a signal to this process (SIGKILL, SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
  output(): string;
}

export async function startReplicaProcess(name: string, delayMs = 20): Promise<ReplicaProcess> {
  const port = await freePort();
  const running: RunningProcess = startProcess(
    name,
    process.execPath,
    ['-e', SERVER, String(port), name, String(delayMs)],
    { cwd: process.cwd(), env: {} },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, 10_000);
  const pid = running.child.pid!;
  return {
    name,
    url,
    pid,
    signal: (signal) => process.kill(pid, signal),
    stop: async () => {
      if (running.child.exitCode === null && running.child.signalCode === null) {
        process.kill(pid, 'SIGCONT');
        await running.stop('SIGKILL');
      }
    },
    output: running.output,
  };
}

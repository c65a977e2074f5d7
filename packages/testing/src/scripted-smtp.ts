import net from 'node:net';

export interface ScriptedSmtp {
  smtpUrl: string;
  /** Messages accepted so far (their raw DATA). */
  accepted: string[];
  /** Most messages received and not yet answered at one time, over every connection. */
  readonly mostInFlight: number;
  close(): Promise<void>;
}

/**
 * A minimal SMTP server that misbehaves on purpose: `silent` greets and then never answers
 * (a hung relay); `acceptDelayMs` takes that long to accept each message (a slow relay).
 * For the failure cases a real capture server cannot show.
 */
export async function startScriptedSmtp(options: {
  silent?: boolean;
  acceptDelayMs?: number;
}): Promise<ScriptedSmtp> {
  const accepted: string[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.write('220 scripted ESMTP\r\n');
    if (options.silent) return;
    let buffer = '';
    let inData = false;
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) !== -1) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            const message = data;
            data = '';
            mostInFlight = Math.max(mostInFlight, ++inFlight);
            setTimeout(() => {
              inFlight--;
              accepted.push(message);
              socket.write('250 queued\r\n');
            }, options.acceptDelayMs ?? 0);
          } else data += `${line}\n`;
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250 scripted\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    accepted,
    get mostInFlight() {
      return mostInFlight;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

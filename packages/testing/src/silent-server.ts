import net from 'node:net';

export interface SilentServer {
  /** e.g. postgresql://app@127.0.0.1:PORT/app: a database URL that never answers. */
  url: (scheme: string, path?: string) => string;
  close(): Promise<void>;
}

/**
 * A server that accepts connections and never says a word, as a half-dead database host or a
 * failover in progress looks to a client: the connect succeeds at the TCP level and the
 * handshake never completes. Only a client-side timeout gets the client out.
 */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: (scheme, path = '') => `${scheme}://silent@127.0.0.1:${port}${path}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Every address of a host name (A and AAAA), as the system resolver gives them. */
export type LookupAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const lookupAll: LookupAll = (hostname) => lookup(hostname, { all: true });

export interface ReplicaTarget {
  origin: string;
  host: string;
  servername?: string;
}

/** The configured URL as one replica: the system resolves its host name at each connection. */
export const targetOf = (url: URL): ReplicaTarget => ({ origin: url.origin, host: url.host });

/**
 * One replica per address of the URL's host name (a compose service scaled out, a Kubernetes
 * headless Service). An address literal is itself; a name that resolves to nothing is
 * reported by the rejection (the caller keeps the replicas it had).
 */
export async function resolveReplicas(url: URL, lookupAllOf: LookupAll): Promise<ReplicaTarget[]> {
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(hostname)) return [targetOf(url)];
  const addresses = await lookupAllOf(hostname);
  if (addresses.length === 0) throw new Error(`${hostname} resolved to no address`);
  const port = url.port ? `:${url.port}` : '';
  return [...new Set(addresses.map((a) => (a.family === 6 ? `[${a.address}]` : a.address)))].map(
    (address) => ({
      origin: `${url.protocol}//${address}${port}`,
      host: url.host,
      ...(url.protocol === 'https:' ? { servername: hostname } : {}),
    }),
  );
}

import { lookup, type LookupAddress } from 'node:dns';
import { promisify } from 'node:util';
import ipaddr from 'ipaddr.js';

const lookupAll = promisify(lookup);

/** A webhook URL we refuse to call (registration: 422; delivery: a failed attempt). */
export class UnsafeWebhookUrl extends Error {
  override name = 'UnsafeWebhookUrl';
}

export interface TargetPolicy {
  /** CIDRs that may be called although not public (e.g. a test's local receiver). */
  allowed: [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export function targetPolicy(allowlist: string): TargetPolicy {
  return {
    allowed: allowlist
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((cidr) =>
        cidr.includes('/')
          ? ipaddr.parseCIDR(cidr)
          : ipaddr.parseCIDR(`${cidr}/${cidr.includes(':') ? 128 : 32}`),
      ),
  };
}

/**
 * Public unicast only: loopback, private, link-local (cloud metadata 169.254.169.254),
 * unique-local (fd00:ec2::254), carrier-grade NAT, multicast, reserved, and IPv4 hidden in
 * IPv6 (::ffff:127.0.0.1, NAT64, 6to4, Teredo) are all refused, unless allowlisted.
 */
export function isAllowedAddress(address: string, policy: TargetPolicy): boolean {
  let ip: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (policy.allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits)))
    return true;
  return ip.range() === 'unicast';
}

/**
 * Check a webhook URL: http(s) only, no credentials in it, and every address its host
 * resolves to allowed. The WHATWG URL parser has already turned decimal, octal and hex IPv4
 * spellings (http://2130706433/, http://0177.0.0.1/) into dotted form.
 */
export async function assertSafeWebhookUrl(raw: string, policy: TargetPolicy): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeWebhookUrl('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UnsafeWebhookUrl('only http and https URLs are allowed');
  if (url.username || url.password)
    throw new UnsafeWebhookUrl('credentials in the URL are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host)
    ? [host]
    : await lookupAll(host, { all: true, verbatim: true })
        .then((found: LookupAddress[]) => found.map((a) => a.address))
        .catch(() => {
          throw new UnsafeWebhookUrl(`${host} does not resolve`);
        });
  const refused = addresses.find((a) => !isAllowedAddress(a, policy));
  if (refused) throw new UnsafeWebhookUrl(`${host} resolves to a non-public address (${refused})`);
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for the delivery connection itself: the name is resolved again as the socket is
 * opened and refused if any answer is not allowed, so a DNS answer that changed since the check
 * (DNS rebinding) cannot point the request inward.
 */
export function guardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    lookup(hostname, { all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.find((a) => !isAllowedAddress(a.address, policy));
      if (refused)
        return callback(
          new UnsafeWebhookUrl(`${hostname} resolves to a non-public address (${refused.address})`),
          [],
        );
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

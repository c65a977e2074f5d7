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

/** IPv6 prefixes whose addresses carry an IPv4 address in their last 32 bits. */
const LAST_32_BITS_IPV4: [ipaddr.IPv6, number][] = [
  ipaddr.parseCIDR('::/96') as [ipaddr.IPv6, number], // IPv4-compatible (deprecated, still routed by some stacks)
  ipaddr.parseCIDR('::ffff:0:0/96') as [ipaddr.IPv6, number], // IPv4-mapped
  ipaddr.parseCIDR('::ffff:0:0:0/96') as [ipaddr.IPv6, number], // SIIT (RFC 6145)
  ipaddr.parseCIDR('64:ff9b::/96') as [ipaddr.IPv6, number], // NAT64 well-known (RFC 6052)
  ipaddr.parseCIDR('64:ff9b:1::/48') as [ipaddr.IPv6, number], // NAT64 local use (RFC 8215)
];
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16') as [ipaddr.IPv6, number];
const TEREDO = ipaddr.parseCIDR('2001::/32') as [ipaddr.IPv6, number];

const ipv4From = (high: number, low: number) =>
  ipaddr.fromByteArray([high >> 8, high & 0xff, low >> 8, low & 0xff]) as ipaddr.IPv4;

/**
 * Every IPv4 address an IPv6 address embeds and could be delivered to: the last 32 bits of
 * the compatible, mapped, SIIT and NAT64 forms, bits 16–47 of 6to4, and Teredo's server and
 * (obfuscated) client addresses.
 */
export function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4[] {
  const parts = ip.parts;
  const found: ipaddr.IPv4[] = [];
  if (LAST_32_BITS_IPV4.some((range) => ip.match(range)))
    found.push(ipv4From(parts[6]!, parts[7]!));
  if (ip.match(SIX_TO_FOUR)) found.push(ipv4From(parts[1]!, parts[2]!));
  if (ip.match(TEREDO)) {
    found.push(ipv4From(parts[2]!, parts[3]!)); // the Teredo server
    found.push(ipv4From(parts[6]! ^ 0xffff, parts[7]! ^ 0xffff)); // the client, obfuscated
  }
  return found;
}

const allowlisted = (ip: ipaddr.IPv4 | ipaddr.IPv6, policy: TargetPolicy) =>
  policy.allowed.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));

/**
 * Public unicast only: loopback, private, link-local (cloud metadata 169.254.169.254),
 * unique-local (fd00:ec2::254), carrier-grade NAT, multicast, reserved, and any IPv6 form that
 * embeds an IPv4 address which is not itself public (::127.0.0.1, ::ffff:10.0.0.1, NAT64,
 * 6to4, Teredo) are all refused, unless allowlisted. Ranges come from ipaddr.js; the embedded
 * address is extracted and judged on its own.
 */
export function isAllowedAddress(address: string, policy: TargetPolicy): boolean {
  const ip = ipaddr.parse(address);
  if (allowlisted(ip, policy)) return true;
  if (ip.kind() === 'ipv4') return ip.range() === 'unicast';
  const v6 = ip as ipaddr.IPv6;
  const inside = embeddedIPv4(v6);
  if (inside.length > 0)
    return inside.every((v4) => allowlisted(v4, policy) || v4.range() === 'unicast');
  return v6.range() === 'unicast';
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

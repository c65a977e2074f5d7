import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface RealTokenOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** Seconds since the epoch; defaults to five minutes from now. */
  exp?: number;
  nbf?: number;
  iss?: string;
  aud?: string;
  sub?: string;
}

export interface TokenFactory {
  /** A token signed with the platform's real key; each option breaks exactly one thing. */
  real(options?: RealTokenOptions): Promise<string>;
  attackerKey: CryptoKey;
  attackerJwk: JWK;
  realKid: string;
  publicJwk: JWK;
}

/** Build tokens the way an attacker would try to, plus a correct control token. */
export async function tokenFactory(options: {
  privateJwk: JWK;
  publicJwk: JWK;
  issuer: string;
  audience: string;
  subject: string;
}): Promise<TokenFactory> {
  const realKey = (await importJWK(options.privateJwk, 'ES256')) as CryptoKey;
  const attacker = await generateKeyPair('ES256', { extractable: true });
  const now = () => Math.floor(Date.now() / 1000);
  return {
    attackerKey: attacker.privateKey,
    attackerJwk: await exportJWK(attacker.publicKey),
    realKid: options.privateJwk.kid!,
    publicJwk: options.publicJwk,
    real: async (o = {}) => {
      const payload: Record<string, unknown> = {
        roles: ['customer'],
        iss: o.iss ?? options.issuer,
        aud: o.aud ?? options.audience,
        sub: o.sub ?? options.subject,
        iat: now(),
        exp: o.exp ?? now() + 300,
        jti: randomUUID(),
        ...(o.nbf !== undefined ? { nbf: o.nbf } : {}),
        ...o.claims,
      };
      return new SignJWT(payload)
        .setProtectedHeader({
          alg: 'ES256',
          kid: options.privateJwk.kid,
          typ: 'at+jwt',
          ...o.header,
        })
        .sign(realKey);
    },
  };
}

/** An unsigned token (`alg: none`). */
export function unsignedToken(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  return `${b64({ alg: 'none', typ: 'at+jwt', ...header })}.${b64(payload)}.`;
}

/**
 * An HS256 token whose HMAC secret is the given bytes (the server's public key, or the empty
 * contents of /dev/null). Built by hand: jose rightly refuses to sign with an empty key.
 */
export function hmacToken(
  secret: Uint8Array,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const signingInput = `${b64({ alg: 'HS256', typ: 'at+jwt', ...header })}.${b64(payload)}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** A server an attacker controls, recording whether anyone fetched keys from it. */
export async function startAttackerKeyServer(
  jwk: JWK,
): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: [{ ...jwk, kid: 'attacker', alg: 'ES256' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

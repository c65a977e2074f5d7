import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export interface JwksServer {
  url: string;
  issuer: string;
  audience: string;
  /** Sign an access token the way the auth service does. */
  sign(options: { userId: string; roles?: string[]; expiresIn?: string }): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real HTTP endpoint serving a JWKS, and a matching signer: services tested on their own
 * verify tokens exactly as in production, over HTTP, without the auth service.
 */
export async function startJwksServer(
  options: { issuer?: string; audience?: string } = {},
): Promise<JwksServer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'test-key-1';
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }],
  });
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = options.issuer ?? 'switchyard-auth';
  const audience = options.audience ?? 'switchyard-api';
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer,
    audience,
    sign: ({ userId, roles = ['customer'], expiresIn = '5m' }) =>
      new SignJWT({ roles })
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setJti(crypto.randomUUID())
        .setExpirationTime(expiresIn)
        .sign(privateKey as CryptoKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

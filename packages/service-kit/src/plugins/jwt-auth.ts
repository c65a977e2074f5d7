import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { DenylistCache } from '../denylist-cache.js';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Redis } from 'ioredis';
import {
  denylistIncomplete,
  denylistReport,
  denylistStatus,
  type DenylistStatus,
} from '../disabled-users.js';
import { AppError, invalidToken } from '../errors.js';
import { VerifiedTokens } from '../verified-tokens.js';

export interface Identity {
  /** The token's subject: a user id, or a machine client's id (then `clientId` is set too). */
  userId: string;
  roles: string[];
  scopes: string[];
  /** Set when the caller is a machine client (client_credentials grant), not a person. */
  clientId?: string;
  /** A person's session (the `sid` claim: its refresh-token family), which can be signed out. */
  sessionId?: string;
  /** The `email_verified` claim of a person's token; absent in tokens issued before it. */
  emailVerified?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | null;
  }
  interface FastifyInstance {
    /** onRequest hook: 401 unless a valid access token is presented. */
    authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

export interface JwtAuthOptions {
  issuer: string;
  audience: string;
  /**
   * Redis holding the disabled-user denylist auth writes. The gateway refuses a disabled
   * user's tokens first; services refuse them too (defence in depth). A Redis that lost its
   * data (no sync marker, see disabled-users.ts) is not trusted: 503 with Retry-After. If
   * Redis cannot be read at all a service lets the token through and logs it: the gateway,
   * which fails closed, is the control in front. A DenylistCache (denylistCachePlugin's
   * `app.denylist`) answers from memory while its list is known complete, from Redis otherwise.
   */
  denylist?: Redis | DenylistCache;
  /** Where public keys come from: a JWKS URL (cached, refetched on an unknown kid) or a key getter. */
  jwksUrl?: string;
  jwksCooldownMs?: number;
  keys?: JWTVerifyGetKey;
}

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const ACCESS_TOKEN_ALGORITHMS = ['ES256'];

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(header);
  return match?.[1] ?? null;
}

/** Verify an access token: signature by a key in the JWKS, ES256 only, typ, iss, aud, exp, nbf. */
export async function verifyAccessToken(
  token: string,
  keys: JWTVerifyGetKey,
  options: { issuer: string; audience: string },
): Promise<Identity> {
  return (await verifyWithExpiry(token, keys, options)).identity;
}

async function verifyWithExpiry(
  token: string,
  keys: JWTVerifyGetKey,
  options: { issuer: string; audience: string },
): Promise<{ identity: Identity; exp: number }> {
  const { payload } = await jwtVerify(token, keys, {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: ACCESS_TOKEN_ALGORITHMS,
    typ: ACCESS_TOKEN_TYPE,
    requiredClaims: ['sub', 'exp', 'iat'],
  });
  const roles = Array.isArray(payload.roles) ? payload.roles.map(String) : [];
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
  // Every token names the client it was issued to (RFC 9068); a machine client's token is
  // about the client itself (sub = client_id). A person's token names the app they signed in
  // through, and they stay a person.
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : undefined;
  const machine = clientId !== undefined && clientId === payload.sub;
  const sessionId = typeof payload.sid === 'string' ? payload.sid : undefined;
  const emailVerified =
    typeof payload.email_verified === 'boolean' ? payload.email_verified : undefined;
  return {
    identity: {
      userId: payload.sub as string,
      roles,
      scopes,
      ...(machine ? { clientId } : {}),
      ...(sessionId ? { sessionId } : {}),
      ...(emailVerified !== undefined ? { emailVerified } : {}),
    },
    exp: payload.exp as number,
  };
}

/**
 * Authenticate one request: require a bearer token, verify it, set `request.identity`.
 * A bad token is a 401; a key set that cannot be fetched is our 503, not the client's fault.
 */
export async function authenticateRequest(
  request: FastifyRequest,
  keys: JWTVerifyGetKey,
  options: { issuer: string; audience: string; verified?: VerifiedTokens },
): Promise<void> {
  const token = bearerToken(request);
  if (!token) throw new AppError('UNAUTHENTICATED', 'A bearer access token is required');
  const known = options.verified?.get(token);
  if (known) {
    request.identity = known;
    return;
  }
  try {
    const { identity, exp } = await verifyWithExpiry(token, keys, options);
    options.verified?.set(token, identity, exp);
    request.identity = identity;
  } catch (error) {
    if (isKeySetFailure(error)) {
      request.log.error({ err: error }, 'cannot verify access token: key set unavailable');
      throw new AppError('UNAVAILABLE', 'Token verification is temporarily unavailable');
    }
    throw invalidToken();
  }
}

/**
 * The key set failed us, not the token: the JWKS endpoint timed out, answered something other
 * than 200 (jose's plain JOSEError), or a body that is not a key set (JWKSInvalid), or the
 * fetch itself failed (not a JOSEError at all). A 401 there would tell a client to throw away
 * a good token; it gets our 503 instead.
 */
function isKeySetFailure(error: unknown): boolean {
  if (!(error instanceof joseErrors.JOSEError)) return true;
  return (
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    error.code === joseErrors.JOSEError.code
  );
}

async function refuseDisabled(
  request: FastifyRequest,
  reply: FastifyReply,
  denylist: Redis | DenylistCache,
): Promise<void> {
  let status: DenylistStatus = 'not-listed';
  try {
    const { userId, sessionId } = identityOf(request);
    status =
      denylist instanceof DenylistCache
        ? await denylist.status(userId, sessionId)
        : await denylistStatus(denylist, userId, sessionId);
  } catch (error) {
    request.log.warn({ err: error }, 'disabled-user denylist unreadable; the gateway enforces it');
  }
  if (status === 'disabled') throw invalidToken();
  if (status === 'unknown') {
    request.log.error(
      'disabled-user denylist not synced since Redis lost its data: 503 until auth writes it',
    );
    throw denylistIncomplete(reply);
  }
}

/** A JWKS fetched over HTTP, cached, and refetched (at most every 30 s) on an unknown kid. */
export function remoteKeySet(jwksUrl: string, cooldownMs = 30_000): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUrl), {
    cooldownDuration: cooldownMs,
    cacheMaxAge: 600_000,
  });
}

/**
 * Zero trust: every service verifies the bearer token itself, whatever the gateway did.
 * Decorates `request.identity` and `app.authenticate` (use as an onRequest hook).
 */
export const jwtAuth = fp(
  async (app: FastifyInstance, options: JwtAuthOptions) => {
    const keys =
      options.keys ??
      (options.jwksUrl ? remoteKeySet(options.jwksUrl, options.jwksCooldownMs) : undefined);
    if (!keys) throw new Error('jwtAuth needs jwksUrl or keys');

    const verified = new VerifiedTokens();
    app.decorateRequest('identity', null);
    app.decorate('authenticate', async (request: FastifyRequest, reply: FastifyReply) => {
      await authenticateRequest(request, keys, { ...options, verified });
      if (options.denylist) await refuseDisabled(request, reply, options.denylist);
    });
    const denylist = options.denylist;
    if (denylist && app.hasDecorator('addStatusReport'))
      app.addStatusReport(() =>
        denylistReport(denylist instanceof DenylistCache ? denylist.redis : denylist),
      );
  },
  { name: 'switchyard-jwt-auth' },
);

/** The authenticated identity; only call behind `app.authenticate`. */
export function identityOf(request: FastifyRequest): Identity {
  if (!request.identity) throw new AppError('UNAUTHENTICATED');
  return request.identity;
}

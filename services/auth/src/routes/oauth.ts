import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import formBody from '@fastify/formbody';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { auditOriginOf } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { authenticateClient, CLIENT_SCOPES } from '../oauth/machine-clients.js';
import { OAuthError } from '../oauth/oauth-error.js';
import {
  recordClientAuthenticationFailed,
  recordClientTokenIssued,
} from '../oauth/record-client-sign-in.js';
import { signAccessToken } from '../tokens/access-token.js';
import { InvalidRefreshToken, rotateRefreshToken } from '../tokens/refresh-tokens.js';

interface TokenRequest {
  grant_type?: string;
  refresh_token?: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
}

const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
});

const OAuthErrorBody = Type.Object({ error: Type.String(), error_description: Type.String() });

/**
 * OAuth 2.0 Authorization Server Metadata (RFC 8414). We are an authorization server for the
 * refresh_token and client_credentials grants, not an OpenID Provider: no ID tokens, no
 * authorization endpoint (RFC 8414 §2 leaves it out when no grant uses it), so no OIDC
 * discovery document, which would have to claim both.
 */
const AuthorizationServerMetadata = Type.Object({
  issuer: Type.String(),
  jwks_uri: Type.String(),
  token_endpoint: Type.String(),
  grant_types_supported: Type.Array(Type.String()),
  token_endpoint_auth_methods_supported: Type.Array(Type.String()),
  response_types_supported: Type.Array(Type.String()),
  scopes_supported: Type.Array(Type.String()),
  service_documentation: Type.String(),
});

/**
 * Basic credentials are application/x-www-form-urlencoded before they are base64-encoded
 * (RFC 6749 §2.3.1): "+" is a space, and a malformed escape is a bad client, not our error.
 */
function formDecode(value: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new OAuthError('invalid_client', 'Malformed Basic credentials');
  }
  // An escaped NUL (%00) can reach no column (PostgreSQL refuses it), as in the form's fields.
  if (decoded.includes('\u0000'))
    throw new OAuthError('invalid_client', 'Malformed Basic credentials');
  return decoded;
}

/** Client credentials from HTTP Basic (RFC 6749 §2.3.1) or, failing that, the form body. */
function clientCredentials(
  request: FastifyRequest,
  body: TokenRequest,
): { id?: string; secret?: string } {
  const header = request.headers.authorization;
  if (header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed Basic credentials');
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  }
  return { id: body.client_id, secret: body.client_secret };
}

/**
 * The OAuth 2.0 token endpoint (refresh_token and client_credentials grants) and its RFC 8414
 * metadata, so standard OAuth libraries can use and verify our tokens.
 */
export async function oauthRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  await app.register(formBody, { bodyLimit: 8 * 1024 });
  const { tokens } = app;

  app.setErrorHandler(
    (error: Error & { validation?: unknown; statusCode?: number }, request, reply) => {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      // The platform's own input checks (a NUL in a field) throw AppErrors with a 4xx status.
      const status = error instanceof AppError ? error.status : error.statusCode;
      if (error.validation || (status && status < 500)) {
        return sendOAuthError(reply, new OAuthError('invalid_request', 'The request is malformed'));
      }
      request.log.error({ err: error }, 'token endpoint failed');
      return reply.status(500).send({ error: 'server_error', error_description: 'Internal error' });
    },
  );

  // A NUL can reach no column (PostgreSQL refuses it): refuse it here, as every JSON route's
  // shared check does, in the error format OAuth clients read (RFC 6749 §5.2).
  app.addHook('preValidation', async (request) => {
    const body = request.body as Record<string, unknown> | undefined;
    if (body && Object.values(body).some((v) => typeof v === 'string' && v.includes('\u0000')))
      throw new OAuthError('invalid_request', 'Parameters must not contain NUL characters');
  });

  app.post(
    '/oauth/token',
    {
      schema: {
        operationId: 'requestToken',
        security: [],
        tags: ['oauth'],
        summary: 'OAuth 2.0 token endpoint (RFC 6749), application/x-www-form-urlencoded',
        consumes: ['application/x-www-form-urlencoded'],
        body: Type.Object(
          {
            grant_type: Type.String({ maxLength: 100 }),
            refresh_token: Type.Optional(Type.String({ maxLength: 200 })),
            client_id: Type.Optional(Type.String({ maxLength: 100 })),
            client_secret: Type.Optional(Type.String({ maxLength: 200 })),
            scope: Type.Optional(Type.String({ maxLength: 500 })),
          },
          {
            // RFC 6749 §3.2: unrecognised parameters are ignored, not refused.
            additionalProperties: true,
            examples: [{ grant_type: 'client_credentials', scope: 'orders:read' }],
          },
        ),
        response: { 200: TokenResponse, 400: OAuthErrorBody, 401: OAuthErrorBody },
      },
    },
    async (request, reply) => {
      const body = request.body as TokenRequest;
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      if (body.grant_type === 'refresh_token') {
        if (!body.refresh_token || !body.client_id) {
          throw new OAuthError('invalid_request', 'refresh_token and client_id are required');
        }
        let rotated;
        try {
          rotated = await rotateRefreshToken(app.db, {
            token: body.refresh_token,
            clientId: body.client_id,
            ttlSeconds: tokens.refreshTtlSeconds,
            origin: auditOriginOf(request),
          });
        } catch (error) {
          if (error instanceof InvalidRefreshToken)
            throw new OAuthError('invalid_grant', 'The refresh token is invalid or expired');
          throw error;
        }
        const user = await app.db.user.findUnique({ where: { id: rotated.userId } });
        if (!user || user.disabled)
          throw new OAuthError('invalid_grant', 'The refresh token is invalid or expired');
        return {
          access_token: await signAccessToken(app.keys, tokens, {
            subject: user.id,
            roles: user.roles,
            clientId: body.client_id,
            sessionId: rotated.familyId,
            emailVerified: user.emailVerifiedAt !== null,
          }),
          token_type: 'Bearer' as const,
          expires_in: tokens.ttlSeconds,
          refresh_token: rotated.refreshToken,
        };
      }

      if (body.grant_type !== 'client_credentials') {
        throw new OAuthError(
          'unsupported_grant_type',
          'Supported: refresh_token, client_credentials',
        );
      }
      // client_credentials: a machine client; no refresh token (RFC 6749 §4.4.3).
      const credentials = clientCredentials(request, body);
      if (!credentials.id || !credentials.secret) {
        reply.header('www-authenticate', 'Basic realm="switchyard"');
        throw new OAuthError('invalid_client', 'Client authentication is required');
      }
      const client = await authenticateClient(app.db, credentials.id, credentials.secret);
      const origin = auditOriginOf(request);
      if (!client) {
        await recordClientAuthenticationFailed(app.db, { clientId: credentials.id, origin });
        reply.header('www-authenticate', 'Basic realm="switchyard"');
        throw new OAuthError('invalid_client', 'Client authentication failed');
      }
      const requested = body.scope ? body.scope.split(' ').filter(Boolean) : client.scopes;
      if (requested.some((s) => !client.scopes.includes(s))) {
        throw new OAuthError('invalid_scope', 'A requested scope is not granted to this client');
      }
      await recordClientTokenIssued(app.db, {
        clientId: client.clientId,
        scopes: requested,
        origin,
      });
      return {
        access_token: await signAccessToken(app.keys, tokens, {
          subject: client.clientId,
          roles: [],
          scopes: requested,
          clientId: client.clientId,
        }),
        token_type: 'Bearer' as const,
        expires_in: tokens.ttlSeconds,
        ...(requested.length ? { scope: requested.join(' ') } : {}),
      };
    },
  );

  app.get(
    '/.well-known/oauth-authorization-server',
    {
      schema: {
        operationId: 'getAuthorizationServerMetadata',
        security: [],
        tags: ['oauth'],
        summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
        response: { 200: AuthorizationServerMetadata },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      const issuer = tokens.issuer.replace(/\/$/, '');
      return {
        issuer: tokens.issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        token_endpoint: `${issuer}/oauth/token`,
        grant_types_supported: ['refresh_token', 'client_credentials'],
        // none: the first-party web client (switchyard-web) is public and refreshes by id alone.
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'none',
        ],
        // No authorization endpoint, so no response types (the member itself is required).
        response_types_supported: [],
        scopes_supported: [...CLIENT_SCOPES],
        service_documentation: `${issuer}/docs`,
      };
    },
  );
}

function sendOAuthError(reply: FastifyReply, error: OAuthError): FastifyReply {
  return reply
    .status(error.status)
    .header('cache-control', 'no-store')
    .type('application/json')
    .send({ error: error.code, error_description: error.description });
}

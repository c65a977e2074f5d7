import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';

/**
 * Every route's schemas, as this service's OpenAPI 3.1 document at `/openapi.json`. The
 * gateway merges the services' documents into one at `/docs`. Register before any route.
 */
export const openapi = fp(
  async (app: FastifyInstance, options: { service: string }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: `Switchyard ${options.service} service`, version: '1.0.0' },
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
    });
    app.get('/openapi.json', { schema: { hide: true }, logLevel: 'warn' }, async () =>
      app.swagger(),
    );
  },
  { name: 'switchyard-openapi' },
);

import { loadConfig } from '@switchyard/service-kit';
import {
  GatewayConfig,
  mergeOpenApi,
  routeTable,
  type OpenApiDocument,
} from '@switchyard/gateway/api-docs';
import type { ServiceDocuments } from './start-documented-services.js';

/**
 * The public document exactly as the gateway serves it at /docs/json: the gateway's own merge
 * over the services' documents, filtered by the route table the gateway builds from its
 * configuration.
 */
export function publicApiDocument({ documents, gatewayEnv }: ServiceDocuments): OpenApiDocument {
  return mergeOpenApi(documents, routeTable(loadConfig(GatewayConfig, gatewayEnv)));
}

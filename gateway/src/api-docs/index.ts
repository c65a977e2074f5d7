// What tooling outside the gateway needs to build the public OpenAPI document exactly as the
// gateway serves it at /docs/json (the typed client's generator, packages/client): the merge,
// the route table it filters by, and the configuration the table is made from.
export { mergeOpenApi, type OpenApiDocument } from './merge-openapi.js';
export { routeTable, type UpstreamRoute } from '../routes/route-table.js';
export { GatewayConfig } from '../config.js';

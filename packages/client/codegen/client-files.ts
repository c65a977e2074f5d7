import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import type { OpenApiDocument } from '@switchyard/gateway/api-docs';

/** The committed files generated from the public document, by path inside packages/client. */
export type ClientFiles = Record<string, string>;

export const DOCUMENT_FILE = 'openapi.json';
export const TYPES_FILE = 'src/generated/api.ts';
/** The one command that brings every generated file up to date. */
export const GENERATE_COMMAND = 'pnpm client:generate';

/**
 * The public document as committed (so a diff shows what changed in the API) and the types
 * openapi-typescript generates from it, which the client's runtime (openapi-fetch) is typed by.
 * Deterministic: the same document always renders to the same bytes.
 */
export async function renderClientFiles(document: OpenApiDocument): Promise<ClientFiles> {
  // openapi-typescript may annotate the object it is given: hand it a copy.
  const ast = await openapiTS(structuredClone(document) as unknown as OpenAPI3, { silent: true });
  const header = `// Generated from packages/client/${DOCUMENT_FILE} by \`${GENERATE_COMMAND}\`; do not edit.\n`;
  return {
    [DOCUMENT_FILE]: `${JSON.stringify(document, null, 2)}\n`,
    [TYPES_FILE]: header + COMMENT_HEADER + astToString(ast),
  };
}

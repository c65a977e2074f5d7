// `pnpm client:generate`: read every service's OpenAPI document, merge them as the gateway does,
// and write the public document and the client's types into packages/client.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderClientFiles } from './client-files.js';
import { publicApiDocument } from './public-api-document.js';
import { readServiceDocuments } from './start-documented-services.js';

// This file runs as packages/client/dist/codegen/generate-client.js.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const document = publicApiDocument(await readServiceDocuments());
const files = await renderClientFiles(document);
for (const [file, content] of Object.entries(files)) {
  const target = path.join(packageDir, file);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
  console.log(`wrote packages/client/${file}`);
}
const operations = Object.values(document.paths ?? {}).flatMap((item) => Object.keys(item));
console.log(`${operations.length} operations on ${Object.keys(document.paths ?? {}).length} paths`);

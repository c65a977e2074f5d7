// The drift check: the client's committed types must be what the committed public document
// generates. That the document is what the services serve now is checked where they run:
// e2e/test/typed-client.test.ts compares it with the gateway's /docs/json (starting five
// services here only for that cost CI ~45 s). Either fails when a route changed without
// `pnpm client:generate`.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenApiDocument } from '@switchyard/gateway/api-docs';
import { findClientDrift } from '../codegen/client-drift.js';
import { DOCUMENT_FILE, renderClientFiles, TYPES_FILE } from '../codegen/client-files.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the generated client', () => {
  let document: OpenApiDocument;
  beforeAll(async () => {
    document = JSON.parse(
      await readFile(path.join(packageDir, DOCUMENT_FILE), 'utf8'),
    ) as OpenApiDocument;
  });

  it('is up to date with the committed public document', async () => {
    const drift = await findClientDrift(await renderClientFiles(document), packageDir);
    expect(drift.message).toBeNull();
  });

  it('reports drift, and the command that fixes it, when a service schema changes', async () => {
    // As if the order service added a field to the order placement it accepts.
    const changed = structuredClone(document);
    const placeOrder = changed.paths!['/v1/orders']!.post as {
      requestBody: { content: { 'application/json': { schema: { properties: object } } } };
    };
    placeOrder.requestBody.content['application/json'].schema.properties = {
      ...placeOrder.requestBody.content['application/json'].schema.properties,
      giftMessage: { type: 'string', maxLength: 200 },
    };
    const drift = await findClientDrift(await renderClientFiles(changed), packageDir);
    expect(drift.stale.map((s) => s.file)).toEqual([DOCUMENT_FILE, TYPES_FILE]);
    expect(drift.message).toContain('`pnpm client:generate`');
    expect(drift.message).toContain('packages/client/src/generated/api.ts (from line');
    // The first difference is where the new field is.
    const types = (await renderClientFiles(changed))[TYPES_FILE]!.split('\n');
    expect(types[drift.stale[1]!.line! - 1]).toMatch(/giftMessage/);
  });

  it('reports a generated file that is missing or edited by hand', async () => {
    const fresh = await renderClientFiles(document);
    const dir = await mkdtemp(path.join(tmpdir(), 'client-drift-'));
    try {
      await writeFile(path.join(dir, DOCUMENT_FILE), fresh[DOCUMENT_FILE]!);
      expect((await findClientDrift(fresh, dir)).stale).toEqual([{ file: TYPES_FILE, line: null }]);
      await mkdir(path.join(dir, 'src/generated'), { recursive: true });
      const committed = await readFile(path.join(packageDir, TYPES_FILE), 'utf8');
      await writeFile(path.join(dir, TYPES_FILE), committed.replace('placeOrder', 'placeAnOrder'));
      expect((await findClientDrift(fresh, dir)).stale.map((s) => s.file)).toEqual([TYPES_FILE]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

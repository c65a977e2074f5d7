import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GENERATE_COMMAND, type ClientFiles } from './client-files.js';

export interface ClientDrift {
  /** Generated files whose committed copy differs, each with where it first does. */
  stale: { file: string; line: number | null }[];
  /** What to tell whoever sees the check fail, or null when nothing drifted. */
  message: string | null;
}

/** The first line (1-based) where two texts differ. */
function firstDifferentLine(committed: string, fresh: string): number {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  return line + 1;
}

/**
 * Compare freshly rendered files with the ones committed under `packageDir`: any difference
 * means a service's schemas changed without the client being generated again.
 */
export async function findClientDrift(
  fresh: ClientFiles,
  packageDir: string,
): Promise<ClientDrift> {
  const stale: ClientDrift['stale'] = [];
  for (const [file, content] of Object.entries(fresh)) {
    const committed = await readFile(path.join(packageDir, file), 'utf8').catch(() => null);
    if (committed === null) stale.push({ file, line: null });
    else if (committed !== content)
      stale.push({ file, line: firstDifferentLine(committed, content) });
  }
  if (!stale.length) return { stale, message: null };
  const listed = stale
    .map(({ file, line }) =>
      line === null
        ? `packages/client/${file} (missing)`
        : `packages/client/${file} (from line ${line})`,
    )
    .join(', ');
  return {
    stale,
    message:
      `The typed client is out of date with the services' OpenAPI schemas: ${listed}. ` +
      `Run \`${GENERATE_COMMAND}\` and commit the result.`,
  };
}

// Every image is built from the repository through .dockerignore, which leaves out what the
// build makes again (node_modules, dist, Prisma's generated clients). A pattern that also
// catches a committed source (the typed client's generated API types were) passes every test
// on a developer's machine and fails only the image build. Docker's matching rules, as
// @balena/dockerignore implements them (case-sensitive, as Docker on Linux), decide.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ignore } from '@balena/dockerignore';
import { repoRoot } from './manifests.js';

// A CommonJS module whose types declare an ES default export: required, it is that function.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as (options?: {
  ignorecase?: boolean;
}) => Ignore;

/**
 * What a workspace package's build reads: every committed file of a package directory (one
 * with a package.json) but its tests, its documentation and what it writes itself (results).
 */
function buildInputs(committed: string[]): string[] {
  const packageDirs = committed
    .filter((file) => file.endsWith('/package.json'))
    .map((file) => path.dirname(file));
  return committed.filter(
    (file) =>
      packageDirs.some((dir) => file.startsWith(`${dir}/`)) &&
      !/(^|\/)(test|results)\//.test(file) &&
      !file.endsWith('.md'),
  );
}

describe('the images’ build context', () => {
  const ignored = dockerignore({ ignorecase: false }).add(
    readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n'),
  );
  const committed = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

  it('holds every committed source a package builds from', () => {
    const sources = buildInputs(committed);
    expect(sources).toEqual(
      expect.arrayContaining([
        'packages/client/src/generated/api.ts',
        'services/order/prisma/schema.prisma',
        'packages/messaging/package.json',
        'apps/console/index.html',
      ]),
    );
    expect(sources.filter((file) => ignored.ignores(file))).toEqual([]);
  });

  it('leaves out what the build makes again', () => {
    for (const made of [
      'node_modules/x/index.js',
      'services/order/dist/server.js',
      'services/order/src/generated/prisma/client.ts',
    ]) {
      expect({ made, ignored: ignored.ignores(made) }).toEqual({ made, ignored: true });
    }
  });
});

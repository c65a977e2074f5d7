// Every image is built from the repository through .dockerignore, which leaves out what the
// build makes again (node_modules, dist, Prisma's generated clients). A pattern that also
// catches a committed source (the typed client's generated API types were) passes every test
// on a developer's machine and fails only the image build. Docker's own matching rules, as
// @balena/dockerignore implements them, decide.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Ignore } from '@balena/dockerignore';
import { repoRoot } from './manifests.js';

// A CommonJS module whose types declare an ES default export: required, it is that function.
const dockerignore = createRequire(import.meta.url)('@balena/dockerignore') as () => Ignore;

/** What a workspace package's build compiles: its sources, never its tests. */
const isBuildSource = (file: string) =>
  /^(gateway|apps\/[^/]+|services\/[^/]+|packages\/[^/]+|infra\/[^/]+)\/(src|codegen)\//.test(
    file,
  ) && /\.(ts|tsx|css|html|json|sql|prisma)$/.test(file);

describe('the images’ build context', () => {
  const ignored = dockerignore().add(
    readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8').split('\n'),
  );
  const committed = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

  it('holds every committed source a package builds from', () => {
    const sources = committed.filter(isBuildSource);
    expect(sources.length).toBeGreaterThan(100);
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

// An image holds only a package's production dependencies (`pnpm deploy --prod`): a module a
// deployable imports at run time but lists among its devDependencies works in every test on a
// developer's machine and crashes the container at start. Every bare import in each
// deployable's sources (and the workspace packages they use) must be a dependency.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { repoRoot } from './manifests.js';

const DEPLOYABLES = [
  'gateway',
  'services/auth',
  'services/order',
  'services/payment',
  'services/notification',
  'services/billing',
  'infra/payment-sandbox',
  'packages/service-kit',
  'packages/messaging',
  'packages/contracts',
  'packages/db',
  'packages/telemetry',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' ? [] : sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.d.ts') ? [full] : [];
  });
}

/** Packages a source file loads at run time (type-only imports are erased by the compiler). */
function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const statements =
    /^\s*(import|export)\s+(?!type\s)[^;]*?\sfrom\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|^\s*import\s+'([^']+)'/gm;
  for (const match of source.matchAll(statements)) {
    const specifier = match[2] ?? match[3] ?? match[4];
    if (!specifier || specifier.startsWith('.') || specifier.startsWith('node:')) continue;
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
    if (!builtinModules.includes(name)) found.push(name);
  }
  return found;
}

describe('runtime dependencies of what goes into an image', () => {
  it.each(DEPLOYABLES)('%s imports at run time only what it depends on', (dir) => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const declared = new Set(Object.keys(pkg.dependencies ?? {}));
    const missing = new Set<string>();
    for (const file of sourceFiles(path.join(repoRoot, dir, 'src')))
      for (const name of runtimeImports(readFileSync(file, 'utf8')))
        if (!declared.has(name)) missing.add(`${name} (${path.relative(repoRoot, file)})`);
    expect([...missing]).toEqual([]);
  });
});

// infra/scripts/check-docs.mjs (pnpm docs:check): every command in the docs' shell blocks names
// something that exists. Run on a made-up repository it must fail on each made-up command, and
// on this repository it must pass.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './manifests.js';

const run = promisify(execFile);
const script = path.join(repoRoot, 'infra/scripts/check-docs.mjs');

async function check(root: string) {
  try {
    const { stdout } = await run(process.execPath, [script, '--root', root]);
    return { code: 0, output: stdout };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

describe('infra/scripts/check-docs.mjs', () => {
  let root: string;
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  };
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'check-docs-'));
    await write(
      'package.json',
      JSON.stringify({ name: 'r', scripts: { up: 'bash infra/scripts/up.sh' } }),
    );
    await write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n');
    await write(
      'packages/tool/package.json',
      JSON.stringify({
        name: '@r/tool',
        scripts: { build: 'tsc', migrate: 'node dist/migrate.js' },
        bin: { 'r-tool': './dist/cli.js' },
      }),
    );
    await write(
      'packages/app/package.json',
      JSON.stringify({ name: '@r/app', dependencies: { '@r/tool': 'workspace:*' } }),
    );
    await write('packages/tool/src/cli.ts', '');
    await write('infra/scripts/up.sh', '');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('fails on a pnpm script and a script file that do not exist, naming each', async () => {
    await write(
      'docs/guide.md',
      [
        '# Guide',
        '```bash',
        'pnpm up',
        'pnpm no-such-script',
        'bash infra/scripts/nope.sh',
        '```',
      ].join('\n'),
    );
    const { code, output } = await check(root);
    expect(code).toBe(1);
    expect(output).toContain(
      'docs/guide.md:4: pnpm no-such-script — pnpm no-such-script: no such script in the root package.json',
    );
    expect(output).toContain(
      'docs/guide.md:5: bash infra/scripts/nope.sh — infra/scripts/nope.sh does not exist',
    );
    expect(output).toContain('2 of 3 commands');
  });

  it('fails on an unknown tool, a package script and a bin pnpm exec would not find', async () => {
    await write(
      'README.md',
      [
        '```sh',
        'frobnicate --all',
        'pnpm --filter @r/tool no-such-script',
        'pnpm --filter @r/tool exec r-tool',
        'pnpm --filter @r/nope build',
        'node packages/tool/dist/nope.js',
        '```',
      ].join('\n'),
    );
    const { code, output } = await check(root);
    expect(code).toBe(1);
    expect(output).toContain(
      'frobnicate is neither in this repository nor an allowed external tool',
    );
    expect(output).toContain('no such script in @r/tool');
    expect(output).toContain('pnpm exec r-tool: no such bin for @r/tool');
    expect(output).toContain('@r/nope: no such workspace package');
    expect(output).toContain('packages/tool/dist/nope.js does not exist');
  });

  it('accepts what exists: scripts, bins of dependencies, built files, allowed tools, cd', async () => {
    await write(
      'docs/sub/run.md',
      [
        '```console',
        '$ pnpm up',
        'output that is not a command',
        '```',
        '',
        '```bash',
        'json() { node -e "console.log(1)"; }',
        'GW=http://127.0.0.1:8080 TOKEN=$(curl -s $GW | json .token)',
        'DATABASE_URL=x pnpm --filter @r/tool migrate \\',
        '  --dry-run   # a comment: nope.sh',
        'pnpm --filter @r/app exec r-tool list',
        'node packages/tool/dist/cli.js',
        'cd infra && bash scripts/up.sh',
        'kubectl apply -k . | jq .items',
        '```',
        '',
        '```',
        'packages/   a layout block: not commands',
        '```',
      ].join('\n'),
    );
    const { code, output } = await check(root);
    expect(output).toMatch(/^docs: all \d+ commands name something that exists/);
    expect(code).toBe(0);
  });

  it('passes on this repository’s README.md and docs/', async () => {
    const { code, output } = await check(repoRoot);
    expect(output).toMatch(/^docs: all \d+ commands name something that exists/);
    expect(code).toBe(0);
  });
});

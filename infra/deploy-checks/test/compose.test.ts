// docker-compose.yml as a newcomer's `docker compose up` runs it: no secret of the repository's,
// no image fetched from a registry under our names, demo data from a seed step.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseEnv } from 'node:util';
import { readCompose, repoRoot, type ComposeService } from './manifests.js';

const run = promisify(execFile);
const generatorPath = path.join(repoRoot, 'infra/compose/local-keys.mjs');
const { localKeyNames } = (await import(generatorPath)) as { localKeyNames: () => string[] };

/** Which variables are keys or secrets: each must come from the generated file, never the repo. */
const isKeyOrSecret = (name: string) =>
  /(_KEY|_SECRET)$/.test(name) || localKeyNames().includes(name);

/** The env file a service's node loads (`--env-file=…`), if any. */
const envFileOf = (service: ComposeService) =>
  service.entrypoint?.find((arg) => arg.startsWith('--env-file='))?.slice('--env-file='.length);

/** The ENTRYPOINT of each target of infra/containers/Dockerfile. */
async function dockerfileEntrypoints(): Promise<Record<string, string[]>> {
  const text = await readFile(path.join(repoRoot, 'infra/containers/Dockerfile'), 'utf8');
  const entrypoints: Record<string, string[]> = {};
  let target = '';
  for (const line of text.split('\n')) {
    const from = /^FROM \S+ AS (\S+)/.exec(line);
    if (from) target = from[1]!;
    const entrypoint = /^ENTRYPOINT (\[.*\])/.exec(line);
    if (entrypoint) entrypoints[target] = JSON.parse(entrypoint[1]!) as string[];
  }
  return entrypoints;
}

describe('docker-compose.yml', () => {
  const { services } = readCompose();
  const named = Object.entries(services);

  it('gives no key or secret a value from the repository, nor does .env.example', async () => {
    const published = named.flatMap(([name, service]) =>
      Object.entries(service.environment ?? {})
        .filter(([variable, value]) => isKeyOrSecret(variable) && String(value ?? '') !== '')
        .map(([variable]) => `${name}: ${variable}`),
    );
    expect(published).toEqual([]);
    const example = parseEnv(await readFile(path.join(repoRoot, '.env.example'), 'utf8'));
    expect(Object.entries(example).filter(([k, v]) => isKeyOrSecret(k) && v !== '')).toEqual([]);
  });

  it('generates the keys once, into a volume every service that needs them loads', () => {
    const generator = services['local-keys'];
    expect(generator?.entrypoint?.slice(0, 2)).toEqual([
      'node',
      '/usr/local/lib/switchyard/local-keys.mjs',
    ]);
    expect(generator!.volumes).toContain(
      './infra/compose/local-keys.mjs:/usr/local/lib/switchyard/local-keys.mjs:ro',
    );
    const file = generator!.entrypoint![2]!;
    const [volume] = generator!
      .volumes!.find((v) => v.endsWith(`:${path.dirname(file)}`))!
      .split(':');
    // The services whose config asks for a key: each loads the file, read-only, after it exists.
    const consumers = named.filter(
      ([name, service]) =>
        name !== 'local-keys' && Object.keys(service.environment ?? {}).some(isKeyOrSecret),
    );
    expect(consumers).toEqual([]); // none is given one in its environment…
    const loaders = named.filter(([, service]) => envFileOf(service));
    expect(loaders.map(([name]) => name).sort()).toEqual([
      'auth',
      'notification',
      'payment',
      'payment-sandbox',
    ]);
    for (const [, service] of loaders) {
      // …each reads the generated file, where the generator's volume is mounted read-only.
      const mount = service.volumes!.find((v) => v.startsWith(`${volume}:`))!;
      const [, at, mode] = mount.split(':');
      expect(path.join(at!, path.basename(file))).toBe(envFileOf(service));
      expect(mode).toBe('ro');
      expect(service.depends_on?.['local-keys']).toEqual({
        condition: 'service_completed_successfully',
      });
    }
  });

  it('runs each image’s own entrypoint, with only the key file added', async () => {
    const entrypoints = await dockerfileEntrypoints();
    for (const [name, service] of named.filter(([, s]) => envFileOf(s))) {
      const target = service.build?.target;
      expect([name, service.entrypoint!.filter((a) => !a.startsWith('--env-file='))]).toEqual([
        name,
        entrypoints[target!],
      ]);
    }
  });

  it('never pulls an image of ours: each is built here, and only here', () => {
    const built = new Set(named.filter(([, s]) => s.build).map(([, s]) => s.image));
    const ours = named.filter(([, s]) => s.image?.startsWith('switchyard/'));
    expect(ours.length).toBeGreaterThan(10);
    for (const [name, service] of ours) {
      expect([name, service.pull_policy]).toEqual([name, 'never']);
      expect([name, built.has(service.image)]).toEqual([name, true]);
    }
  });

  it.each([
    ['order', 'catalog', 'demo-catalog.sql'],
    ['billing', 'plans', 'demo-plans.sql'],
  ])(
    'loads the %s service’s demo %s after its migrations, before the service starts',
    (service, _what, file) => {
      expect(services[`${service}-seed`]?.entrypoint).toEqual([
        'node',
        'node_modules/@switchyard/db/dist/seed-cli.js',
        `prisma/seed/${file}`,
      ]);
      expect(services[`${service}-seed`]!.depends_on?.[`${service}-migrations`]).toEqual({
        condition: 'service_completed_successfully',
      });
      expect(services[service]!.depends_on?.[`${service}-seed`]).toEqual({
        condition: 'service_completed_successfully',
      });
    },
  );
});

describe('infra/compose/local-keys.mjs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'local-keys-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const generate = async (env: Record<string, string> = {}) => {
    const file = path.join(dir, 'local-keys.env');
    await run(process.execPath, [generatorPath, file], { env: { PATH: process.env.PATH, ...env } });
    return parseEnv(await readFile(file, 'utf8'));
  };

  it('writes fresh keys once and keeps them; a key given in the environment wins', async () => {
    const first = await generate();
    expect(Object.keys(first).sort()).toEqual([...localKeyNames()].sort());
    expect(first.RESET_TOKEN_SEALING_KEY).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(first.WEBHOOK_SECRETS_KEY).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(first.SANDBOX_WEBHOOK_SECRET).toBe(first.PROVIDER_WEBHOOK_SECRET);
    expect(first.SANDBOX_API_KEY).toBe(first.PROVIDER_API_KEY);
    expect(first.RESET_TOKEN_SEALING_KEY).not.toBe(first.WEBHOOK_SECRETS_KEY);

    expect(await generate()).toEqual(first);
    const mine = Buffer.alloc(32, 7).toString('base64');
    const overridden = await generate({ WEBHOOK_SECRETS_KEY: mine });
    expect(overridden).toEqual({ ...first, WEBHOOK_SECRETS_KEY: mine });
  });
});

// infra/scripts/pin-images.sh end to end with a stand-in `podman` on PATH (the real run, with
// podman and a registry, is in docs/deploy.md): it pushes each image the kustomization lists to
// that entry's newName:newTag, pins the digest the push reported, and stops on an image that
// was not built.
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { repoRoot } from './manifests.js';

const run = promisify(execFile);
const script = path.join(repoRoot, 'infra/scripts/pin-images.sh');

/** A podman that knows the images in BUILT, and "pushes" by writing sha256(target) as digest. */
const FAKE_PODMAN = `#!/usr/bin/env bash
set -euo pipefail
echo "$*" >> "$CALLS"
if [ "$1 $2" = "image inspect" ]; then
  [[ " $BUILT " == *" $3 "* ]] && exit 0 || exit 125
fi
if [ "$1" = push ]; then
  while [ "$1" != --digestfile ]; do shift; done
  file="$2"; target="\${4#docker://}"
  printf 'sha256:%s' "$(printf '%s' "$target" | sha256sum | cut -c1-64)" > "$file"
  exit 0
fi
exit 2
`;
const sha = async (text: string) => {
  const { stdout } = await run('bash', ['-c', `printf '%s' "$0" | sha256sum | cut -c1-64`, text]);
  return `sha256:${stdout.trim()}`;
};

describe('infra/scripts/pin-images.sh', () => {
  let dir: string;
  let kustomization: string;
  let calls: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pin-images-sh-'));
    await writeFile(path.join(dir, 'podman'), FAKE_PODMAN);
    await chmod(path.join(dir, 'podman'), 0o755);
    kustomization = path.join(dir, 'kustomization.yaml');
    await copyFile(
      path.join(repoRoot, 'k8s/overlays/production/kustomization.yaml'),
      kustomization,
    );
    calls = path.join(dir, 'calls');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const pin = (env: Record<string, string>, ...args: string[]) =>
    run('bash', [script, ...args], {
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        HOME: process.env.HOME ?? dir,
        KUSTOMIZATION: kustomization,
        CALLS: calls,
        TAG: '0.2.0',
        ...env,
      },
    });
  const entries = async () =>
    (
      parse(await readFile(kustomization, 'utf8')) as {
        images: { name: string; newName: string; newTag: string; digest: string }[];
      }
    ).images;

  const ALL =
    'switchyard/auth:0.2.0 switchyard/order:0.2.0 switchyard/payment:0.2.0 switchyard/notification:0.2.0 switchyard/billing:0.2.0 switchyard/gateway:0.2.0';

  it('pushes every listed image to its newName:newTag and pins the digest the push reported', async () => {
    await pin({ BUILT: ALL });
    const pushed = (await readFile(calls, 'utf8')).split('\n').filter((l) => l.startsWith('push'));
    expect(pushed).toHaveLength(6);
    for (const entry of await entries()) {
      const target = `${entry.newName}:${entry.newTag}`;
      expect(pushed.some((l) => l.endsWith(`${entry.name}:0.2.0 docker://${target}`))).toBe(true);
      expect(entry.digest).toBe(await sha(target));
    }
  });

  it('pins only the images named, to another registry when REGISTRY says so', async () => {
    const before = await entries();
    await pin({ BUILT: ALL, REGISTRY: '127.0.0.1:5055', TLS_VERIFY: 'false' }, 'switchyard/order');
    const after = await entries();
    const order = after.find((e) => e.name === 'switchyard/order')!;
    expect(order.newName).toBe('127.0.0.1:5055/switchyard/order');
    expect(order.digest).toBe(await sha('127.0.0.1:5055/switchyard/order:0.1.0'));
    expect(after.filter((e) => e.name !== 'switchyard/order')).toEqual(
      before.filter((e) => e.name !== 'switchyard/order'),
    );
    expect(await readFile(calls, 'utf8')).toContain('--tls-verify=false');
  });

  it('stops, pinning nothing, when an image was not built with that tag', async () => {
    const before = await readFile(kustomization, 'utf8');
    await expect(pin({ BUILT: 'switchyard/auth:0.2.0' })).rejects.toMatchObject({
      stderr: '',
      stdout: expect.stringContaining('switchyard/order:0.2.0 is not built'),
    });
    expect(await readFile(kustomization, 'utf8')).toBe(before);
  });
});

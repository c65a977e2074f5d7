// Production runs our images by digest, never by a tag alone: the overlay's `images:` list
// pins each one (infra/scripts/pin-images.sh writes the digests the registry answered after a
// push), and every container of ours renders as <registry>/switchyard/<name>:<tag>@sha256:….
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { overlays, renderOverlay, repoRoot, type K8sObject } from './manifests.js';

const { pinDigests } = (await import(path.join(repoRoot, 'infra/scripts/pin-images.mjs'))) as {
  pinDigests: (text: string, digests: Record<string, string>) => string;
};

const OURS = ['auth', 'order', 'payment', 'notification', 'billing', 'gateway'].map(
  (n) => `switchyard/${n}`,
);
const kustomizationPath = path.join(repoRoot, 'k8s/overlays/production/kustomization.yaml');
const kustomizationText = readFileSync(kustomizationPath, 'utf8');
interface ImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}
const entriesOf = (text: string) => (parse(text) as { images: ImageEntry[] }).images;

const imagesOf = (objects: K8sObject[]) =>
  objects.flatMap((o) => {
    const spec = o.spec?.template?.spec;
    return spec ? [...spec.containers, ...(spec.initContainers ?? [])].map((c) => c.image) : [];
  });

describe.each(overlays.filter((o) => o.startsWith('production')))('overlay %s', (overlay) => {
  const images = imagesOf(renderOverlay(overlay));

  it('runs every image of ours by digest, from the registry the overlay names', () => {
    const ours = images.filter((image) => /\/switchyard\/[a-z-]+[:@]/.test(image));
    expect(ours.length).toBeGreaterThanOrEqual(OURS.length);
    const byName = new Map(entriesOf(kustomizationText).map((e) => [e.newName, e]));
    for (const image of ours) {
      const [, name, tag, digest] = /^(.+?):([\w][\w.-]*)@(sha256:[0-9a-f]{64})$/.exec(image) ?? [];
      expect({ image, pinned: Boolean(digest) }).toEqual({ image, pinned: true });
      expect(byName.get(name)).toMatchObject({ newTag: tag, digest });
    }
  });

  it('leaves no image of ours unrenamed (every switchyard/* went through images:)', () => {
    expect(images.filter((image) => image.startsWith('switchyard/'))).toEqual([]);
  });
});

describe('the production overlay’s images: list', () => {
  it('pins exactly our five deployables, each with a digest', () => {
    const entries = entriesOf(kustomizationText);
    expect(entries.map((e) => e.name).sort()).toEqual([...OURS].sort());
    for (const entry of entries) expect(entry.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('pin-images.mjs (what pin-images.sh writes with)', () => {
  const digest = (n: number) => `sha256:${n.toString(16).padStart(64, 'a')}`;
  const digests = Object.fromEntries(OURS.map((name, n) => [name, digest(n + 1)]));

  it('writes each digest into its entry and changes nothing else', () => {
    const pinned = pinDigests(kustomizationText, digests);
    expect(entriesOf(pinned).map((e) => [e.name, e.digest])).toEqual(
      entriesOf(kustomizationText).map((e) => [e.name, digests[e.name]]),
    );
    const withoutDigests = (text: string) =>
      text.split('\n').filter((line) => !/^\s*digest:/.test(line));
    expect(withoutDigests(pinned)).toEqual(withoutDigests(kustomizationText));
    expect(pinDigests(pinned, digests)).toBe(pinned);
  });

  it('pins one image alone, and the rendered overlay pulls it by that digest', () => {
    const copy = mkdtempSync(path.join(os.tmpdir(), 'pin-images-'));
    try {
      cpSync(path.join(repoRoot, 'k8s'), path.join(copy, 'k8s'), { recursive: true });
      const file = path.join(copy, 'k8s/overlays/production/kustomization.yaml');
      writeFileSync(file, pinDigests(kustomizationText, { 'switchyard/order': digest(7) }));
      const rendered = execFileSync('kubectl', ['kustomize', path.dirname(file)], {
        encoding: 'utf8',
        maxBuffer: 32 * 1024 * 1024,
      });
      const objects = parseAllDocuments(rendered).map((d) => d.toJS() as K8sObject);
      const order = imagesOf(objects.filter((o) => o.metadata.name === 'order'));
      expect(new Set(order)).toEqual(
        new Set([`registry.example.com/switchyard/order:0.1.0@${digest(7)}`]),
      );
      const auth = imagesOf(objects.filter((o) => o.metadata.name === 'auth'));
      const authEntry = entriesOf(kustomizationText).find((e) => e.name === 'switchyard/auth')!;
      expect(new Set(auth)).toEqual(
        new Set([`registry.example.com/switchyard/auth:0.1.0@${authEntry.digest}`]),
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('refuses a name the list does not have, and anything but a sha256 digest', () => {
    expect(() => pinDigests(kustomizationText, { 'switchyard/ledger': digest(1) })).toThrow(
      /no entry switchyard\/ledger/,
    );
    expect(() => pinDigests(kustomizationText, { 'switchyard/auth': 'latest' })).toThrow(
      /not a sha256 digest/,
    );
  });
});

#!/usr/bin/env node
// Write image digests into a Kustomize `images:` list, keeping everything else of the file as
// it is (comments, order, the other entries): each named entry gets `digest: sha256:…`, in
// place of the one it had. infra/scripts/pin-images.sh calls it after pushing the images.
//   node infra/scripts/pin-images.mjs <kustomization.yaml> <name>=<sha256:…> [...]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * The kustomization text with each image of `digests` (name → digest) pinned. Throws when a
 * name has no entry in the top-level `images:` list or a digest is not a sha256 digest.
 */
export function pinDigests(text, digests) {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => /^images:\s*$/.test(line));
  if (start < 0) throw new Error('the kustomization has no top-level images: list');
  let end = start + 1;
  while (end < lines.length && (lines[end] === '' || /^\s|^#/.test(lines[end]))) end++;

  // The entries of the list: [first line, last line + 1) each, and the name they set.
  const entries = [];
  for (let i = start + 1; i < end; i++) {
    const item = /^(\s*)- name:\s*(\S+)\s*$/.exec(lines[i]);
    if (item) entries.push({ from: i, to: end, name: item[2], indent: `${item[1]}  ` });
    else if (entries.length && /^\s*- /.test(lines[i])) {
      throw new Error(`images: every entry must start with "- name:" (line ${i + 1})`);
    }
  }
  entries.forEach((entry, n) => {
    if (entries[n + 1]) entry.to = entries[n + 1].from;
    while (entry.to > entry.from + 1 && /^(\s*|#.*)$/.test(lines[entry.to - 1])) entry.to--;
  });

  for (const [name, digest] of Object.entries(digests)) {
    if (!DIGEST.test(digest)) throw new Error(`${name}: not a sha256 digest: ${digest}`);
    if (!entries.some((e) => e.name === name)) throw new Error(`images: has no entry ${name}`);
  }
  // From the last entry up, so the earlier line numbers stay right.
  for (const entry of [...entries].reverse()) {
    const digest = digests[entry.name];
    if (!digest) continue;
    const body = lines
      .slice(entry.from, entry.to)
      .filter((line, k) => k === 0 || !/^\s*digest:/.test(line));
    body.push(`${entry.indent}digest: ${digest}`);
    lines.splice(entry.from, entry.to - entry.from, ...body);
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, ...pairs] = process.argv.slice(2);
  if (!file || pairs.length === 0 || pairs.some((p) => !p.includes('='))) {
    console.error('usage: pin-images.mjs <kustomization.yaml> <name>=<sha256:…> [...]');
    process.exit(2);
  }
  const digests = Object.fromEntries(
    pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  );
  try {
    writeFileSync(file, pinDigests(readFileSync(file, 'utf8'), digests));
  } catch (error) {
    console.error(`pin-images: ${error.message}`);
    process.exit(1);
  }
  for (const [name, digest] of Object.entries(digests)) console.log(`${name} pinned to ${digest}`);
}

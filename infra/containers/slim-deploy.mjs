#!/usr/bin/env node
// Drop from a production install (`pnpm deploy --prod`) the files a running service never
// reads, before it is copied into an image:
// - Prisma's client ships a WebAssembly query compiler for every database it supports, twice
//   (CommonJS and ESM, "fast" and "small"): about 3 MB each. Our services speak PostgreSQL only.
// - source maps, TypeScript declarations and markdown.
// Usage: node slim-deploy.mjs <deploy-dir>. Prints what it removed.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const root = process.argv[2];
if (!root) {
  console.error('usage: slim-deploy.mjs <deploy-dir>');
  process.exit(2);
}

const OTHER_DATABASES = /^query_compiler_\w+_bg\.(cockroachdb|mysql|sqlite|sqlserver)\./;
const NEVER_READ = /(\.map|\.d\.ts|\.d\.mts|\.d\.cts|\.md|\.markdown)$/i;

function unused(file, directory) {
  if (NEVER_READ.test(file) && !/^license/i.test(file)) return true;
  return (
    directory.endsWith(path.join('@prisma', 'client', 'runtime')) && OTHER_DATABASES.test(file)
  );
}

let removedBytes = 0;
let removedFiles = 0;
async function walk(directory) {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) await walk(full);
    else if (entry.isFile() && unused(entry.name, directory)) {
      removedBytes += (await stat(full)).size;
      removedFiles += 1;
      await rm(full);
    }
  }
}
await walk(path.join(root, 'node_modules'));
console.log(`slim-deploy: removed ${removedFiles} files, ${(removedBytes / 1e6).toFixed(1)} MB`);

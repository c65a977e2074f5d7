// Resolution hooks for the workspace's lockfile.
//
// @prisma/client declares the Prisma CLI and TypeScript as optional peers, for code generation
// and types. pnpm resolves them from the workspace root, so every production install of a
// service (`pnpm deploy --prod`, the container images) pulled in the CLI with Prisma Studio,
// PGlite and TypeScript: about 190 MB the running service never loads. Generation runs from
// each service's own `prisma` devDependency, which does not need the peer link.
const DEV_ONLY_PEERS = { '@prisma/client': ['prisma', 'typescript'] };

function readPackage(pkg) {
  for (const peer of DEV_ONLY_PEERS[pkg.name] ?? []) {
    if (pkg.peerDependencies) delete pkg.peerDependencies[peer];
    if (pkg.peerDependenciesMeta) delete pkg.peerDependenciesMeta[peer];
  }
  return pkg;
}

module.exports = { hooks: { readPackage } };

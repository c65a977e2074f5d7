// Render what a platform team would apply: every Kustomize overlay under k8s/overlays, and
// docker-compose.yml, as plain objects for the checks.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown> & {
    template?: { spec?: PodSpec; metadata?: { labels?: Record<string, string> } };
  };
  data?: Record<string, string>;
  [key: string]: unknown;
}
export interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  [key: string]: unknown;
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  [key: string]: unknown;
}

export const overlays = readdirSync(path.join(repoRoot, 'k8s/overlays'));

export function renderOverlay(overlay: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', path.join(repoRoot, 'k8s/overlays', overlay)], {
      encoding: 'utf8',
      maxBuffer: 32 * 1024 * 1024,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed: the manifest checks render every overlay with ' +
          '`kubectl kustomize` (kubectl ≥ 1.27, kustomize v5). Install kubectl and run again.',
      );
    }
    throw error;
  }
  return parseAllDocuments(output)
    .map((doc) => doc.toJS() as K8sObject)
    .filter(Boolean);
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string; args?: Record<string, string> };
  pull_policy?: string;
  environment?: Record<string, string | number | null>;
  entrypoint?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
}

/** docker-compose.yml with anchors resolved and ${VAR:-default} read as the default. */
export function readCompose(): { services: Record<string, ComposeService> } {
  const text = readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8').replace(
    /\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g,
    (_match, _name, fallback: string | undefined) => fallback ?? '',
  );
  return parse(text, { merge: true, maxAliasCount: -1 });
}

// The first admin, in each way the platform runs (docs/operations.md, "Make the first admin"):
// natively `pnpm --filter @switchyard/auth grant-role`, with compose a one-shot service that
// runs the same command from the auth image, on Kubernetes a Job rendered by the
// production-first-admin overlay with auth's image, database secret and network reach.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  readCompose,
  renderOverlay,
  repoRoot,
  type Container,
  type K8sObject,
} from './manifests.js';
import { decide, type Network, type Pod } from './network-policy-model.js';
import { productionNetwork } from './production-network.js';

const authPackage = JSON.parse(
  readFileSync(path.join(repoRoot, 'services/auth/package.json'), 'utf8'),
) as { scripts: Record<string, string> };
/** What `pnpm --filter @switchyard/auth grant-role` runs: node <file>. */
const grantRoleFile = authPackage.scripts['grant-role']!.replace(/^node /, '');
const operations = readFileSync(path.join(repoRoot, 'docs/operations.md'), 'utf8');

it('the native command runs the auth package’s compiled grant-role CLI', () => {
  expect(grantRoleFile).toBe('dist/cli/grant-role.js');
  const source = path.join(repoRoot, 'services/auth/src/cli/grant-role.ts');
  expect(readFileSync(source, 'utf8')).toContain('DATABASE_URL');
});

describe('compose: docker compose run --rm grant-role <email> admin', () => {
  const { services } = readCompose();
  const tool = services['grant-role'];

  it('runs the same CLI from the auth image, against auth’s database, after its migrations', () => {
    expect(tool?.image).toBe(services.auth!.image);
    expect(tool!.entrypoint).toEqual(['node', grantRoleFile]);
    expect(tool!.environment?.DATABASE_URL).toBe(services.auth!.environment!.DATABASE_URL);
    expect(tool!.depends_on).toEqual({
      'auth-migrations': { condition: 'service_completed_successfully' },
    });
  });

  it('is never started by `docker compose up` (a profile of its own), and hardened like the rest', () => {
    expect(tool!.profiles).toEqual(['tools']);
    const hardened = tool as unknown as Record<string, unknown>;
    expect(hardened.read_only).toBe(true);
    expect(hardened.cap_drop).toEqual(['ALL']);
    expect(hardened.restart).toBe('no');
  });

  it('is the command docs/operations.md gives', () => {
    expect(operations).toContain('docker compose run --rm grant-role admin@example.com admin');
  });
});

describe('Kubernetes: the production-first-admin overlay’s Job', () => {
  const objects = renderOverlay('production-first-admin');
  const production = renderOverlay('production');
  const find = (list: K8sObject[], kind: string, name: string) =>
    list.find((o) => o.kind === kind && o.metadata.name === name);
  const job = find(objects, 'Job', 'grant-first-admin')!;
  const [container] = job.spec!.template!.spec!.containers as Container[] & { args?: string[] }[];
  const auth = find(objects, 'Deployment', 'auth')!.spec!.template!.spec!.containers.find(
    (c) => c.name === 'auth',
  )!;
  const selected = objects.filter(
    (o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'first-admin',
  );

  it('runs the auth Deployment’s image, by its digest', () => {
    expect(container!.image).toBe(auth.image);
    expect(container!.image).toMatch(/\/switchyard\/auth:[\w.-]+@sha256:[0-9a-f]{64}$/);
  });

  it('runs grant-role <FIRST_ADMIN_EMAIL> admin with auth’s database URI, as an operator the audit trail names', () => {
    expect(container!.command).toEqual(['node', grantRoleFile]);
    expect((container as unknown as { args: string[] }).args).toEqual([
      '$(FIRST_ADMIN_EMAIL)',
      'admin',
      '--by',
      'first-admin-job',
    ]);
    const env = Object.fromEntries((container!.env ?? []).map((e) => [e.name, e]));
    expect(env.FIRST_ADMIN_EMAIL?.value).toMatch(/^[^@\s]+@[^@\s]+$/);
    const authDatabase = auth.env!.find((e) => e.name === 'DATABASE_URL')!;
    expect(env.DATABASE_URL).toEqual(authDatabase);
    expect(env.DATABASE_URL?.valueFrom).toEqual({
      secretKeyRef: { name: 'auth-db-app', key: 'uri' },
    });
  });

  it('adds only the Job and its two policies to production, all under the label the docs apply', () => {
    expect(selected.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Job/grant-first-admin',
      'NetworkPolicy/auth-db-from-first-admin',
      'NetworkPolicy/first-admin',
    ]);
    const rest = objects.filter((o) => !selected.includes(o));
    expect(rest).toEqual(production);
    expect(production.filter((o) => o.kind === 'Job')).toEqual([]);
    expect(operations).toContain(
      'kubectl apply -k k8s/overlays/production-first-admin -l app.kubernetes.io/name=first-admin',
    );
  });

  describe('its pod’s network (NetworkPolicy model)', () => {
    const world = productionNetwork(objects);
    const pod: Pod = {
      name: 'grant-first-admin',
      namespace: 'switchyard',
      labels: job.spec!.template!.metadata!.labels!,
      ip: '10.244.200.1',
    };
    const to = (name: string) => world.pods.find((p) => p.name === name)!;
    const broker = world.pods.find((p) => p.labels['strimzi.io/name'] === 'switchyard-kafka')!;
    const allowed = (
      network: Network,
      target: Pod | { name: string; ip: string },
      port: number,
      protocol: 'TCP' | 'UDP' = 'TCP',
    ) => decide(network, { from: pod, to: target, port, protocol }).allowed;

    it('reaches auth’s database (primary and replica) and DNS', () => {
      expect(allowed(world, to('auth-db-1'), 5432)).toBe(true);
      expect(allowed(world, to('auth-db-2'), 5432)).toBe(true);
      expect(allowed(world, to('kube-dns'), 53, 'UDP')).toBe(true);
    });

    it('reaches nothing else: another database, Kafka, the services, the API, the internet', () => {
      expect(allowed(world, to('order-db-1'), 5432)).toBe(false);
      expect(allowed(world, to('payment-db-1'), 5432)).toBe(false);
      expect(allowed(world, broker, 9092)).toBe(false);
      expect(allowed(world, to('auth'), 4001)).toBe(false);
      expect(allowed(world, world.addresses['kubernetes-api']!, 443)).toBe(false);
      expect(allowed(world, world.addresses['object-storage']!, 443)).toBe(false);
    });

    it.each(['first-admin', 'auth-db-from-first-admin'])('needs the policy %s', (name) => {
      const without = {
        ...world,
        policies: world.policies.filter((p) => p.metadata.name !== name),
      };
      expect(allowed(without, to('auth-db-1'), 5432)).toBe(false);
    });
  });
});

// What a platform team expects of deploy/ (issue 26, point 8), read from the files themselves: a non-root image
// without dev dependencies and with a health check; in compose and Kubernetes, health checks, CPU and memory
// limits and requests on every container, the Redis password from a secret (never written in a manifest or an
// argument), Redis as a StatefulSet, a coordinator Job and NetworkPolicies that admit only vadc's pods to Redis.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy');
// `yaml` is a dependency of @vadc/dsl; it is loaded from there rather than added to the workspace root.
const { parse, parseAllDocuments } = createRequire(join(ROOT, 'packages', 'dsl', 'package.json'))('yaml') as typeof import('yaml');

type Manifest = { kind: string; metadata: { name?: string; generateName?: string; labels?: Record<string, string> }; spec: Record<string, any> };
const manifests: Array<{ file: string; manifest: Manifest }> = readdirSync(join(DEPLOY, 'kubernetes')).filter((file) => file.endsWith('.yaml')).flatMap((file) =>
  parseAllDocuments(readFileSync(join(DEPLOY, 'kubernetes', file), 'utf8')).map((document) => {
    expect(document.errors, file).toEqual([]);
    return { file, manifest: document.toJS() as Manifest };
  }));
const ofKind = (kind: string) => manifests.filter((entry) => entry.manifest.kind === kind).map((entry) => entry.manifest);
const podSpec = (manifest: Manifest) => (manifest.kind === 'Job' || manifest.kind === 'Deployment' || manifest.kind === 'StatefulSet' ? manifest.spec.template.spec : null);
const workloads = manifests.map((entry) => entry.manifest).filter((manifest) => podSpec(manifest) !== null);
const nameOf = (manifest: Manifest) => manifest.metadata.name ?? manifest.metadata.generateName;

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages.at(-1)!;

  it('builds in one stage and ships only production dependencies in the next', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/pnpm@[\d.]+ --filter @vadc\/cli --prod deploy/);
    expect(final).toMatch(/^COPY --from=build \/opt\/vadc \/opt\/vadc$/m);
    expect(final).not.toMatch(/npm run setup|pnpm install|COPY \. \./);
  });

  it('runs as a user other than root, with a health check', () => {
    const user = /^USER (\S+)$/m.exec(final)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });
});

describe('deploy/kubernetes', () => {
  it('has Redis as a StatefulSet with a volume per replica, and a coordinator Job', () => {
    const [redis] = ofKind('StatefulSet');
    expect(nameOf(redis!)).toBe('vadc-redis');
    expect(redis!.spec.volumeClaimTemplates).toHaveLength(1);
    expect(ofKind('Deployment').map(nameOf)).not.toContain('vadc-redis');
    const [coordinator] = ofKind('Job');
    expect(podSpec(coordinator!).containers[0].args.slice(0, 1)).toEqual(['sweep']);
    expect(podSpec(coordinator!).containers[0].args).toContain('--queue');
  });

  it('gives every container CPU and memory requests and limits, probes, and no root', () => {
    expect(workloads.map(nameOf).sort()).toEqual(['vadc-redis', 'vadc-sweep-', 'vadc-worker']);
    for (const workload of workloads) {
      const spec = podSpec(workload);
      expect(spec.securityContext.runAsNonRoot, nameOf(workload)).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      for (const container of spec.containers) {
        const where = `${nameOf(workload)}/${container.name}`;
        for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) expect(container.resources?.[kind]?.[resource], `${where} ${kind}.${resource}`).toBeDefined();
        expect(container.livenessProbe, where).toBeDefined();
        if (workload.kind !== 'Job') expect(container.readinessProbe, where).toBeDefined();
        expect(container.securityContext.allowPrivilegeEscalation, where).toBe(false);
      }
    }
    const worker = podSpec(ofKind('Deployment').find((manifest) => nameOf(manifest) === 'vadc-worker')!).containers[0];
    expect(worker.args).toEqual(expect.arrayContaining(['--health-port', '8080']));
    expect(worker.livenessProbe.httpGet.path).toBe('/healthz');
    expect(worker.readinessProbe.httpGet.path).toBe('/readyz');
  });

  it('takes the Redis password from a Secret in every pod, never written in a manifest or a URL', () => {
    for (const workload of workloads) {
      const [container] = podSpec(workload).containers;
      const fromSecret = (container.env ?? []).filter((variable: any) => variable.valueFrom?.secretKeyRef?.name === 'vadc-redis');
      expect(fromSecret.map((variable: any) => variable.name), nameOf(workload)).toEqual([nameOf(workload) === 'vadc-redis' ? 'REDIS_PASSWORD' : 'VADC_QUEUE_PASSWORD']);
      for (const arg of container.args ?? []) expect(String(arg), nameOf(workload)).not.toMatch(/redis:\/\/[^/]*:[^@/]*@/);
    }
    expect(ofKind('Secret')).toEqual([]); // created with kubectl, not committed
  });

  it('admits only vadc\'s pods to Redis, and lets them reach only Redis and DNS', () => {
    const policies = ofKind('NetworkPolicy');
    const redis = policies.find((policy) => policy.spec.podSelector.matchLabels['app.kubernetes.io/name'] === 'vadc-redis')!;
    expect(redis.spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'vadc/redis-client': 'true' } } }], ports: [{ protocol: 'TCP', port: 6379 }] }]);
    const clients = policies.find((policy) => policy.spec.podSelector.matchLabels['vadc/redis-client'] === 'true')!;
    expect(clients.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(clients.spec.egress.flatMap((rule: any) => rule.ports.map((port: any) => port.port)).sort()).toEqual([53, 53, 6379]);
    // Every pod that talks to Redis carries the label the policy admits.
    for (const workload of workloads.filter((manifest) => nameOf(manifest) !== 'vadc-redis')) expect(workload.spec.template.metadata.labels['vadc/redis-client'], nameOf(workload)).toBe('true');
  });
});

describe('deploy/compose.yaml', () => {
  const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, any>; secrets: Record<string, any> };

  it('gives Redis and the workers health checks, and every service CPU and memory limits and reservations', () => {
    expect(compose.services.redis.healthcheck.test.join(' ')).toContain('redis-cli ping');
    expect(compose.services.worker.healthcheck.test.join(' ')).toContain('/readyz');
    expect(compose.services.worker.command).toEqual(expect.arrayContaining(['--health-port', '8080']));
    for (const [name, service] of Object.entries(compose.services)) {
      for (const kind of ['limits', 'reservations']) for (const resource of ['cpus', 'memory']) expect(service.deploy?.resources?.[kind]?.[resource], `${name} ${kind}.${resource}`).toBeDefined();
    }
  });

  it('passes the Redis password as a secret file, never in the file itself', () => {
    expect(compose.secrets['redis-password'].file).toBe('./redis-password.txt');
    for (const name of ['redis', 'worker', 'coordinator']) expect(compose.services[name].secrets, name).toContain('redis-password');
    expect(compose.services.redis.command.join(' ')).toContain('--requirepass "$$(cat /run/secrets/redis-password)"'); // $$: compose's escape of $
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toContain('deploy/redis-password.txt');
  });
});

// infra/ kept valid without a Docker engine or kubectl (neither runs here): the Dockerfile, the
// entry point, the compose file and the Kubernetes manifests are parsed and cross-checked
// against each other and against the repository (files they copy or run, variables they set).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT as ROOT } from '@switchboard/testing';

const INFRA = path.join(ROOT, 'infra');
const read = (p: string): string => readFileSync(path.join(ROOT, p), 'utf8');

// ---- the entry point: command -> file it runs ----
const entrypoint = read('infra/docker-entrypoint.sh');
const commands = new Map([...entrypoint.matchAll(/^\s+([a-z-]+)\)\s+exec node (?:--\S+\s+)*(\S+)/gm)].map((m) => [m[1]!, m[2]!]));

/** Every environment variable name the processes read (apps and libs sources). */
const sourceText = (() => {
  let text = '';
  for (const top of ['apps', 'libs']) {
    for (const pkg of readdirSync(path.join(ROOT, top))) {
      const src = path.join(ROOT, top, pkg, 'src');
      if (!existsSync(src)) continue;
      for (const f of readdirSync(src, { recursive: true }) as string[])
        if (f.endsWith('.ts') && !f.includes('generated')) text += readFileSync(path.join(src, f), 'utf8');
    }
  }
  return text;
})();
const readByApps = (name: string): boolean => new RegExp(`\\b${name}\\b`).test(sourceText);

/** The first argument of a container command must be an entry point command (or a shell). */
function checkCommand(args: readonly string[], where: string): void {
  const first = args[0]!;
  if (first === '/bin/sh') return;
  expect(commands.has(first), `${where}: unknown entry point command ${first}`).toBe(true);
}

describe('Dockerfile and entry point', () => {
  const dockerfile = read('infra/Dockerfile');
  const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));

  it('is a multi-stage build on node:24-slim (the engines major) with npm ci and the workspace build', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '));
    expect(froms).toEqual(['FROM node:24-slim AS build', 'FROM node:24-slim']);
    expect(JSON.parse(read('package.json')).engines.node).toMatch(/^>=24\./);
    expect(read('.nvmrc').trim()).toBe('24');
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["switchboard-entrypoint"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('the tests, and what they spawn as `node`, run on Node 24 (node_modules/.bin/node, as npm scripts and .ci/run put it on PATH)', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    expect(execFileSync('node', ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^v24\./);
  });

  it('.creds files (user seeds) are ignored by git wherever they are written', () => {
    for (const f of ['alice.creds', 'apps/cli/x.creds']) execFileSync('git', ['check-ignore', '-q', f], { cwd: ROOT });
  });

  it('copies only paths that exist in the repository', () => {
    for (const l of lines.filter((x) => x.startsWith('COPY ') && !x.includes('--from='))) {
      const parts = l.split(/\s+/).slice(1);
      for (const src of parts.slice(0, -1)) expect(existsSync(path.join(ROOT, src)), `${l}: ${src}`).toBe(true);
    }
  });

  it('runs, for each process, the build output of a source file that exists', () => {
    expect([...commands.keys()].sort()).toEqual(['cli', 'control-plane', 'broker', 'migrate', 'setup', 'stack', 'worker'].sort());
    for (const [cmd, dist] of commands) {
      const src = dist.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
      expect(existsSync(path.join(ROOT, src)), `${cmd} -> ${src}`).toBe(true);
    }
  });

  it('the entry point is valid sh', () => {
    execFileSync('sh', ['-n', path.join(INFRA, 'docker-entrypoint.sh')]);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('infra/compose.yaml'), { merge: true }) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
    secrets: Record<string, { file: string }>;
  };
  const services = compose.services;

  it('joins the brokers as one cluster: each routes to all three on port 6222', () => {
    const brokers = ['broker-1', 'broker-2', 'broker-3'];
    for (const b of brokers) {
      const cmd = services[b]!.command as string[];
      const routes = cmd[cmd.indexOf('--routes') + 1]!.split(',');
      expect(routes).toEqual(brokers.map((x) => `nats-route://${x}:6222`));
      expect(cmd[cmd.indexOf('--cluster') + 1]).toBe('nats://0.0.0.0:6222');
    }
  });

  it('has PostgreSQL, Redis, the control plane, the worker and three brokers', () => {
    expect(Object.keys(services).sort()).toEqual(['broker-1', 'broker-2', 'broker-3', 'control-plane', 'postgres', 'redis', 'setup', 'worker']);
  });

  it('every service has an image; builds point at the Dockerfile; commands are entry point commands', () => {
    for (const [name, s] of Object.entries(services)) {
      expect(typeof s.image, name).toBe('string');
      if (s.build) {
        const b = s.build as { context: string; dockerfile: string };
        const context = path.resolve(INFRA, b.context);
        expect(context).toBe(ROOT);
        expect(existsSync(path.join(context, b.dockerfile))).toBe(true);
        if (!s.entrypoint) checkCommand(s.command as string[], name);
      }
    }
  });

  it('depends_on, volumes and secrets refer to declared ones; host ports are unique', () => {
    const hostPorts: string[] = [];
    for (const [name, s] of Object.entries(services)) {
      for (const dep of Object.keys((s.depends_on as object) ?? {})) expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
      for (const v of (s.volumes as string[]) ?? []) expect(compose.volumes, `${name}: ${v}`).toHaveProperty(v.split(':')[0]!);
      for (const sec of (s.secrets as string[]) ?? []) expect(compose.secrets[sec], `${name}: secret ${sec}`).toBeDefined();
      for (const p of (s.ports as string[]) ?? []) hostPorts.push(p.split(':')[0]!);
      const keyFile = (s.environment as Record<string, string> | undefined)?.SWITCHBOARD_MASTER_KEY_FILE;
      if (keyFile) expect(s.secrets, `${name} reads ${keyFile}`).toContain(keyFile.replace('/run/secrets/', ''));
    }
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    // The secret file is created by the operator (infra/secrets/README.md), never committed.
    expect(compose.secrets.master_key!.file).toBe('./secrets/master.key');
    expect(existsSync(path.join(INFRA, 'secrets/README.md'))).toBe(true);
  });

  it('brokers keep fetched account JWTs (resolver_cache_dir from setup) on a volume of their own', () => {
    const args = services.setup!.command as string[];
    const dir = args[args.indexOf('--cache-dir') + 1]!;
    expect(args).toContain('--cache-dir');
    const mounts = ['broker-1', 'broker-2', 'broker-3'].map((b) => (services[b]!.volumes as string[]).find((v) => dir.startsWith(`${v.split(':')[1]}/`)));
    expect(
      mounts.every((m) => m !== undefined),
      `a broker volume holding ${dir}`,
    ).toBe(true);
    expect(new Set(mounts.map((m) => m!.split(':')[0])).size).toBe(3);
  });

  it('the worker pushes to every broker, and every variable set is one the apps read', () => {
    const worker = services.worker!.environment as Record<string, string>;
    const hosts = worker.SWITCHBOARD_BROKERS!.split(',').map((u) => new URL(u).hostname);
    expect(hosts.sort()).toEqual(['broker-1', 'broker-2', 'broker-3']);
    for (const [name, s] of Object.entries(services)) {
      if (!s.build) continue;
      for (const key of Object.keys((s.environment as object) ?? {})) expect(readByApps(key), `${name}: ${key} is read by no app`).toBe(true);
    }
  });
});

describe('Kubernetes manifests (infra/k8s)', () => {
  const dir = path.join(INFRA, 'k8s');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };
  const docs: Array<{ file: string; doc: Doc }> = [];
  for (const file of files) {
    for (const d of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
      expect(d.errors, file).toEqual([]);
      docs.push({ file, doc: d.toJS() as Doc });
    }
  }
  const resources = docs.filter((d) => d.doc.kind !== 'Kustomization');
  const byKind = (kind: string) => resources.filter((d) => d.doc.kind === kind).map((d) => d.doc);
  const workloads = [...byKind('Deployment'), ...byKind('StatefulSet')] as Array<Doc & { spec: any }>;
  const containersOf = (w: { spec: any }): any[] => [...(w.spec.template.spec.initContainers ?? []), ...w.spec.template.spec.containers];

  it('every document has apiVersion, kind and a name, in the switchboard namespace', () => {
    expect(resources.length).toBeGreaterThan(10);
    for (const { file, doc } of resources) {
      expect(doc.apiVersion, file).toMatch(/^(v1|apps\/v1)$/);
      expect(doc.metadata?.name, file).toMatch(/^[a-z0-9-]+$/);
      if (doc.kind !== 'Namespace') expect(doc.metadata.namespace, `${file} ${doc.kind}`).toBe('switchboard');
    }
  });

  it('kustomization lists exactly the manifest files', () => {
    const k = docs.find((d) => d.doc.kind === 'Kustomization')!.doc as unknown as { resources: string[] };
    expect([...k.resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml').sort());
  });

  it('has Deployments for the control plane, worker and Redis, brokers, Services, a ConfigMap and the master key Secret', () => {
    expect(
      byKind('Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['control-plane', 'redis', 'worker']);
    expect(
      byKind('StatefulSet')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['broker', 'postgres']);
    expect(
      byKind('Service')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['broker', 'control-plane', 'nats', 'postgres', 'redis']);
    const secret = byKind('Secret')[0] as Doc & { stringData: Record<string, string> };
    expect(Object.keys(secret.stringData)).toContain('master-key');
  });

  it('selectors match template labels, and every Service selects a workload port by name', () => {
    for (const w of workloads) expect(w.spec.template.metadata.labels, w.metadata.name).toMatchObject(w.spec.selector.matchLabels);
    for (const svc of byKind('Service') as Array<Doc & { spec: any }>) {
      const target = workloads.find((w) => Object.entries(svc.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
      expect(target, `service ${svc.metadata.name}`).toBeDefined();
      const portNames = new Set(target!.spec.template.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name)));
      for (const p of svc.spec.ports) expect(portNames.has(p.targetPort), `service ${svc.metadata.name} port ${p.targetPort}`).toBe(true);
    }
  });

  it('ConfigMap and Secret references resolve, volumes are declared, and variables are ones the apps read', () => {
    const configMaps = new Map(byKind('ConfigMap').map((c) => [c.metadata.name, c as Doc & { data: Record<string, string> }]));
    const secrets = new Map(byKind('Secret').map((s) => [s.metadata.name, s as Doc & { stringData: Record<string, string> }]));
    for (const w of workloads) {
      const volumes = new Set((w.spec.template.spec.volumes ?? []).map((v: any) => v.name));
      for (const claim of w.spec.volumeClaimTemplates ?? []) volumes.add(claim.metadata.name);
      for (const c of containersOf(w)) {
        const where = `${w.metadata.name}/${c.name}`;
        expect(c.image, where).toBeTruthy();
        for (const m of c.volumeMounts ?? []) expect(volumes.has(m.name), `${where} mounts ${m.name}`).toBe(true);
        for (const e of c.envFrom ?? []) expect(configMaps.has(e.configMapRef.name), where).toBe(true);
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) expect(secrets.get(ref.name)?.stringData, `${where} ${e.name}`).toHaveProperty(ref.key);
          if (c.image.startsWith('switchboard')) expect(readByApps(e.name), `${where}: ${e.name} is read by no app`).toBe(true);
        }
        if (c.image.startsWith('switchboard')) checkCommand(c.args, where);
      }
    }
    for (const key of Object.keys(configMaps.get('switchboard-config')!.data)) expect(readByApps(key), key).toBe(true);
  });

  it('each broker pod keeps fetched account JWTs (resolver_cache_dir from setup) on its own claim', () => {
    const sts = byKind('StatefulSet').find((x) => x.metadata.name === 'broker') as Doc & { spec: any };
    const args = sts.spec.template.spec.initContainers[0].args as string[];
    expect(args.slice(0, 2)).toEqual(['setup', 'broker-config']);
    const dir = args[args.indexOf('--cache-dir') + 1]!;
    expect(args).toContain('--cache-dir');
    const broker = sts.spec.template.spec.containers.find((c: any) => c.name === 'broker');
    const mount = broker.volumeMounts.find((m: any) => dir.startsWith(`${m.mountPath}/`));
    expect(sts.spec.volumeClaimTemplates.map((c: any) => c.metadata.name)).toContain(mount?.name);
  });

  it('the worker pushes to every broker pod by its stable name', () => {
    const brokers = byKind('StatefulSet').find((s) => s.metadata.name === 'broker') as Doc & { spec: { replicas: number; serviceName: string } };
    const list = (byKind('ConfigMap')[0] as Doc & { data: Record<string, string> }).data.SWITCHBOARD_BROKERS!;
    const expected = Array.from({ length: brokers.spec.replicas }, (_, i) => `nats://broker-${i}.${brokers.spec.serviceName}:4222`);
    expect(list.split(',')).toEqual(expected);
  });
});

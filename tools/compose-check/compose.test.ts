import { ENV_SCHEMA, SECRET_KEYS } from '@ats/config';
import { passwordVariable, SERVICE_TOPOLOGY } from '@ats/tool-nats-auth';
import { describe, expect, it } from 'vitest';
import {
  APP_DOCKERFILE,
  appFolders,
  appServices,
  type ComposeFile,
  type ComposeService,
  envExampleKeys,
  envKeysOf,
  loadCompose,
  parseDockerfile,
  readRepoFile,
} from './deployment-files';

const compose = loadCompose('docker-compose.yml');
const prod = loadCompose('docker-compose.prod.yml');
const apps = appServices(compose);
const stages = parseDockerfile(readRepoFile(APP_DOCKERFILE));
const runtime = stages.at(-1);

const DEPENDS_ON_CONDITIONS = new Set([
  'service_started',
  'service_healthy',
  'service_completed_successfully',
]);
/** Services that answer analyze requests in a queue group: more than one replica is what makes restarts free. */
const AGENTS = ['technical-agent', 'sentiment-agent', 'risk-manager', 'portfolio-manager'];

function dependencies(service: ComposeService): [string, string][] {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return deps.map((name: string) => [name, 'service_started']);
  return Object.entries(deps).map(([name, dep]) => [name, dep.condition ?? 'service_started']);
}

/** A service is health-checked when it declares one, or runs our app image whose runtime stage has HEALTHCHECK. */
function hasHealthcheck(file: ComposeFile, name: string): boolean {
  const service = file.services[name];
  if (!service || service.healthcheck?.disable) return false;
  if (service.healthcheck?.test) return true;
  return apps.has(name) && (runtime?.instructions.some((i) => i.keyword === 'HEALTHCHECK') ?? false);
}

describe('docker-compose.yml', () => {
  it('runs every app in apps/ from the shared Dockerfile, under its own name', () => {
    const folders = appFolders();
    expect(folders.length).toBeGreaterThanOrEqual(8);
    for (const folder of folders) {
      expect(apps.get(folder)?.app, `service for apps/${folder}`).toBe(folder);
    }
  });

  it('runs app images as a non-root user', () => {
    const users = runtime?.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args) ?? [];
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
    for (const [name, service] of apps) {
      expect(['root', '0', '0:0'], name).not.toContain(service.user ?? 'node');
    }
  });

  it('health-checks every long-running service', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.restart === 'no') continue; // one-shot jobs
      expect(hasHealthcheck(compose, name), name).toBe(true);
    }
  });

  it('uses valid depends_on conditions that the target can satisfy, without cycles', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [target, condition] of dependencies(service)) {
        expect(DEPENDS_ON_CONDITIONS.has(condition), `${name} -> ${target}: ${condition}`).toBe(true);
        expect(compose.services[target], `${name} depends on missing ${target}`).toBeDefined();
        if (condition === 'service_healthy') expect(hasHealthcheck(compose, target), `${target}`).toBe(true);
        if (condition === 'service_completed_successfully') {
          expect(compose.services[target]?.restart, `${target} must be one-shot`).toBe('no');
        }
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]) => {
      if (done.has(name)) return;
      expect(visiting.has(name), `cycle: ${[...path, name].join(' -> ')}`).toBe(false);
      visiting.add(name);
      for (const [target] of dependencies(compose.services[name] ?? {})) visit(target, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(compose.services)) visit(name, []);
  });

  it('starts apps only after NATS and Postgres are healthy and migrations completed', () => {
    for (const [name, service] of apps) {
      const deps = Object.fromEntries(dependencies(service));
      expect(deps, name).toMatchObject({
        nats: 'service_healthy',
        postgres: 'service_healthy',
        migrate: 'service_completed_successfully',
      });
    }
    expect(compose.services.migrate?.build?.target).toBe('migrate');
  });

  it('sets only configuration keys that .env.example documents and the config schema knows', () => {
    const documented = envExampleKeys();
    const imageKeys = new Set(runtime ? envKeysOf(runtime) : []);
    for (const [name, service] of apps) {
      for (const key of Object.keys(service.environment ?? {})) {
        if (imageKeys.has(key)) continue; // set by the Dockerfile (e.g. HEALTH_PORT), not app configuration
        expect(documented.has(key), `${name}: ${key} missing from .env.example`).toBe(true);
        expect(key in ENV_SCHEMA, `${name}: ${key} unknown to @ats/config`).toBe(true);
      }
    }
  });

  it('gives each app its own NATS user from the topology and its password only by reference', () => {
    for (const [name, service] of apps) {
      const env = service.environment ?? {};
      expect(env.NATS__USER, name).toBe(name);
      expect(name in SERVICE_TOPOLOGY, `${name} has no NATS user in tools/nats-auth/topology.ts`).toBe(true);
      expect(String(env.NATS__PASSWORD), name).toMatch(new RegExp(`^\\$\\{${passwordVariable(name)}:\\?`));
    }
  });

  it('never writes a secret value into the compose files', () => {
    for (const file of [compose, prod]) {
      for (const [name, service] of Object.entries(file.services)) {
        for (const key of SECRET_KEYS) {
          const value = service.environment?.[key];
          if (value === undefined) continue;
          expect(String(value), `${name}.${key}`).toMatch(/^\$\{[A-Z0-9_]+(:\?[^}]*)?\}$/);
        }
      }
    }
  });

  it('runs agents in several replicas and caps every app’s CPU and memory', () => {
    for (const agent of AGENTS)
      expect(apps.get(agent)?.deploy?.replicas ?? 1, agent).toBeGreaterThanOrEqual(2);
    for (const [name, service] of apps) {
      expect(service.deploy?.resources?.limits?.memory, name).toMatch(/^\d+[MG]$/);
      expect(Number(service.deploy?.resources?.limits?.cpus), name).toBeGreaterThan(0);
    }
  });

  it('runs NATS with JetStream on a volume and the generated least-privilege config', () => {
    const nats = compose.services.nats;
    expect(nats?.command).toEqual(['-c', '/etc/nats/nats-server.conf']);
    expect(nats?.volumes).toEqual(
      expect.arrayContaining([
        './ops/nats/nats-server.conf:/etc/nats/nats-server.conf:ro',
        './ops/nats/auth.conf:/etc/nats/auth.conf:ro',
        'nats-data:/data',
      ]),
    );
    expect(readRepoFile('ops/nats/nats-server.conf')).toMatch(/store_dir: "\/data"/);
    expect(compose.volumes).toHaveProperty('nats-data');
    expect(compose.volumes).toHaveProperty('pg-data');
  });
});

describe('docker-compose.yml on Compose v2 and docker-compose 1.29 (ADR 0009)', () => {
  it('keeps to syntax both accept: no top-level name, env files as plain paths', () => {
    for (const file of [compose, prod]) {
      expect(file.name).toBeUndefined();
      for (const [name, service] of Object.entries(file.services))
        for (const entry of service.env_file ?? []) expect(typeof entry, `${name} env_file`).toBe('string');
    }
  });

  it('lets local images stand in for the registry ones of NATS and Postgres', () => {
    expect(compose.services.nats?.image).toMatch(/^\$\{NATS_IMAGE:-nats:[^}]+\}$/);
    expect(compose.services.postgres?.image).toMatch(/^\$\{POSTGRES_IMAGE:-postgres:[^}]+\}$/);
  });

  it('mounts the data folder read-only into every app and points DATA__DIR at it', () => {
    for (const [name, service] of apps) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's variable syntax, not a template
      expect(service.volumes, name).toContain('${DATA__DIR:-../shared/data}:/data:ro');
      expect(service.environment?.DATA__DIR, name).toBe('/data');
    }
  });
});

describe('docker-compose.prod.yml', () => {
  it('overrides only services the base file defines, with registry images instead of builds', () => {
    for (const [name, service] of Object.entries(prod.services)) {
      expect(compose.services[name], name).toBeDefined();
      if (apps.has(name)) {
        expect(service.image, name).toMatch(
          new RegExp(`^\\$\\{REGISTRY:\\?[^}]*\\}/ats-${name}:\\$\\{TAG:\\?`),
        );
      }
    }
  });

  it('rolls agents start-first so a queue group never loses its last member', () => {
    for (const agent of AGENTS) {
      expect(prod.services[agent]?.deploy?.update_config?.order, agent).toBe('start-first');
      expect(prod.services[agent]?.deploy?.replicas ?? 0, agent).toBeGreaterThanOrEqual(2);
    }
  });

  it('requires a real Postgres password', () => {
    expect(String(prod.services.postgres?.environment?.POSTGRES_PASSWORD)).toMatch(
      /^\$\{POSTGRES_PASSWORD:\?/,
    );
  });
});

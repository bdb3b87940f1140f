import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const APP_DOCKERFILE = 'docker/Dockerfile';

export interface DependsOn {
  readonly condition?: string;
}

/** The parts of a compose service the checks read; compose allows more, which is ignored here. */
export interface ComposeService {
  readonly image?: string;
  readonly build?: { context?: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  readonly command?: readonly string[];
  readonly user?: string;
  readonly environment?: Record<string, string | number | boolean | null>;
  readonly env_file?: readonly (string | { path: string; required?: boolean })[];
  readonly healthcheck?: { test?: readonly string[]; disable?: boolean };
  readonly depends_on?: Record<string, DependsOn> | readonly string[];
  readonly restart?: string;
  readonly volumes?: readonly string[];
  readonly profiles?: readonly string[];
  readonly deploy?: {
    replicas?: number;
    resources?: { limits?: { cpus?: string; memory?: string } };
    update_config?: { order?: string };
  };
}

export interface ComposeFile {
  /** Top-level `name` (Compose v2 only; docker-compose 1.29 rejects it). */
  readonly name?: string;
  readonly services: Record<string, ComposeService>;
  readonly volumes?: Record<string, unknown>;
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** Parses a compose file with YAML merge keys (`<<: *app`) resolved, as compose does. */
export function loadCompose(path: string): ComposeFile {
  return parse(readRepoFile(path), { merge: true }) as ComposeFile;
}

/** Deployable folders under apps/ (each has a package.json). */
export function appFolders(): string[] {
  return readdirSync(join(REPO_ROOT, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((name) => {
      try {
        readRepoFile(`apps/${name}/package.json`);
        return true;
      } catch {
        return false;
      }
    })
    .sort();
}

/** Services built from the app Dockerfile's runtime stage, keyed by service name, with their APP argument. */
export function appServices(compose: ComposeFile): Map<string, ComposeService & { app: string }> {
  const apps = new Map<string, ComposeService & { app: string }>();
  for (const [name, service] of Object.entries(compose.services)) {
    const app = service.build?.args?.APP;
    if (service.build?.dockerfile === APP_DOCKERFILE && !service.build.target && app) {
      apps.set(name, { ...service, app });
    }
  }
  return apps;
}

/** Keys that .env.example sets or documents (`KEY=value` and commented `# KEY=`). */
export function envExampleKeys(): Set<string> {
  const keys = new Set<string>();
  for (const line of readRepoFile('.env.example').split('\n')) {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line.trim());
    if (match) keys.add(match[1] as string);
  }
  return keys;
}

export interface DockerStage {
  readonly name: string | undefined;
  readonly base: string;
  readonly instructions: readonly { readonly keyword: string; readonly args: string }[];
}

/** Splits a Dockerfile into stages of instructions (line continuations joined, comments dropped). */
export function parseDockerfile(text: string): DockerStage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const stages: {
    name: string | undefined;
    base: string;
    instructions: { keyword: string; args: string }[];
  }[] = [];
  for (const instruction of logical) {
    const [keyword = '', ...rest] = instruction.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      stages.push({ base: match?.[1] ?? args, name: match?.[2], instructions: [] });
      continue;
    }
    stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

/** `ENV A=1 B=2` keys of one stage. */
export function envKeysOf(stage: DockerStage): string[] {
  return stage.instructions
    .filter((i) => i.keyword === 'ENV')
    .flatMap((i) => [...i.args.matchAll(/([A-Z_][A-Z0-9_]*)=/g)].map((m) => m[1] as string));
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { permissionsFor } from './permissions';
import {
  CONTAINER_SETTINGS,
  type NatsUser,
  parseEnvFile,
  passwordVariable,
  renderAuthConfig,
  renderCredentials,
  renderServerConfig,
} from './server-config';
import { ADMIN_USER, SERVICE_TOPOLOGY } from './topology';

export const OPS_NATS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../ops/nats');

/** Every user of the deployment: one per service with its allow lists, then the operators' admin. */
export function topologyUsers(): NatsUser[] {
  const services: NatsUser[] = Object.entries(SERVICE_TOPOLOGY).map(([name, grants]) => ({
    name,
    permissions: permissionsFor(name, grants),
  }));
  return [...services, { name: ADMIN_USER, permissions: undefined }];
}

export function generatedFiles(): Record<string, string> {
  return {
    'auth.conf': renderAuthConfig(topologyUsers()),
    'nats-server.conf': renderServerConfig(CONTAINER_SETTINGS),
  };
}

export const CREDENTIALS_FILE = join(OPS_NATS_DIR, 'credentials.env');

/**
 * Every user's password from ops/nats/credentials.env, writing the file first (fresh random passwords, mode 600)
 * when it does not exist yet or lacks a user: what a local stack needs before it starts nats-server.
 */
export function ensureCredentials(path: string = CREDENTIALS_FILE): Map<string, string> {
  const users = topologyUsers().map((u) => u.name);
  const existing = existsSync(path) ? parseEnvFile(readFileSync(path, 'utf8')) : new Map<string, string>();
  if (users.some((u) => !existing.has(passwordVariable(u)))) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, renderCredentials(users, existing, new Set()), { mode: 0o600 });
  }
  const values = parseEnvFile(readFileSync(path, 'utf8'));
  return new Map(users.map((u) => [u, values.get(passwordVariable(u)) as string]));
}

function main(args: readonly string[]): number {
  const files = generatedFiles();
  if (args.includes('--check')) {
    const stale = Object.entries(files).filter(([name, text]) => {
      const path = join(OPS_NATS_DIR, name);
      return !existsSync(path) || readFileSync(path, 'utf8') !== text;
    });
    for (const [name] of stale)
      process.stderr.write(`ops/nats/${name} is stale: run npm run generate -w @ats/tool-nats-auth\n`);
    return stale.length === 0 ? 0 : 1;
  }
  mkdirSync(OPS_NATS_DIR, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(OPS_NATS_DIR, name), text);
  // --rotate rotates every password; --rotate=<user>,<user> only those (see docs/security.md).
  const rotateArg = args.find((a) => a.startsWith('--rotate'));
  const users = topologyUsers().map((u) => u.name);
  const rotate = new Set(
    rotateArg === '--rotate' ? users : (rotateArg?.split('=')[1]?.split(',').filter(Boolean) ?? []),
  );
  const credentialsPath = join(OPS_NATS_DIR, 'credentials.env');
  const existing = existsSync(credentialsPath)
    ? parseEnvFile(readFileSync(credentialsPath, 'utf8'))
    : new Map();
  writeFileSync(credentialsPath, renderCredentials(users, existing, rotate), { mode: 0o600 });
  process.stdout.write(
    `wrote ops/nats/auth.conf, nats-server.conf and credentials.env (${users.length} users)\n`,
  );
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exit(main(process.argv.slice(2)));

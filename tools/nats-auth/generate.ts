import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { permissionsFor } from './permissions';
import {
  CONTAINER_SETTINGS,
  isKnownPassword,
  type NatsUser,
  parseEnvFile,
  passwordVariable,
  renderAuthConfig,
  renderCredentials,
  renderServerConfig,
  usersNeedingPasswords,
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

/** credentials.env holds a password anyone could know (credentials.example.env's `change-me-*`, or a short one). */
export class KnownPasswordError extends Error {
  override readonly name = 'KnownPasswordError';
  constructor(
    readonly users: readonly string[],
    readonly path: string,
  ) {
    super(
      `${path} holds example or short NATS passwords for ${users.join(', ')}; refusing to start with them. ` +
        'Run `npm run nats:auth` to replace them with random ones (docs/security.md).',
    );
  }
}

/**
 * Every user's password from ops/nats/credentials.env, writing the file first (fresh random passwords, mode 600)
 * when it does not exist yet or lacks a user: what a local stack needs before it starts nats-server. Refuses
 * (KnownPasswordError) a file that holds an example or short password: a copied credentials.example.env must not
 * become a deployment's secrets.
 */
export function ensureCredentials(path: string = CREDENTIALS_FILE): Map<string, string> {
  const users = topologyUsers().map((u) => u.name);
  const existing = existsSync(path) ? parseEnvFile(readFileSync(path, 'utf8')) : new Map<string, string>();
  const known = users.filter((u) => {
    const password = existing.get(passwordVariable(u));
    return password !== undefined && isKnownPassword(password);
  });
  if (known.length > 0) throw new KnownPasswordError(known, path);
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
  const replaced = usersNeedingPasswords(users, existing).filter((u) => existing.has(passwordVariable(u)));
  writeFileSync(credentialsPath, renderCredentials(users, existing, rotate), { mode: 0o600 });
  if (replaced.length > 0)
    process.stderr.write(
      `replaced example or short NATS passwords of ${replaced.join(', ')} with random ones\n`,
    );
  process.stdout.write(
    `wrote ops/nats/auth.conf, nats-server.conf and credentials.env (${users.length} users)\n`,
  );
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exit(main(process.argv.slice(2)));

/**
 * The Postgres passwords of a container deployment in one env file (git-ignored, mode 600): the owner's
 * (POSTGRES_PASSWORD, which migrations run with) and one per service role (POSTGRES_PASSWORD_<SERVICE>).
 * Missing ones are generated; existing ones are kept, so a volume initialised with them stays reachable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { refuseExamplePassword } from './example-passwords';
import { SERVICE_GRANTS, servicePasswordVariable } from './service-grants';

export const OWNER_PASSWORD_VARIABLE = 'POSTGRES_PASSWORD';
/** 24 random bytes as hex: URL-safe inside DATABASE__URL, 192 bits. */
const GENERATED_BYTES = 24;

function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) values.set(match[1] as string, (match[2] as string).replace(/^(['"])(.*)\1$/, '$2'));
  }
  return values;
}

/** Every variable the file must hold: the owner's, then each service role's. */
export function postgresPasswordVariables(): string[] {
  return [OWNER_PASSWORD_VARIABLE, ...Object.keys(SERVICE_GRANTS).map(servicePasswordVariable)];
}

/**
 * Makes sure `path` holds every Postgres password, generating the missing ones; throws ExamplePasswordError
 * for a kept one that is an example value or too short. Returns the variables it generated.
 */
export function ensurePostgresCredentials(path: string): string[] {
  const existing = existsSync(path) ? parseEnvFile(readFileSync(path, 'utf8')) : new Map<string, string>();
  const generated: string[] = [];
  const lines = [
    '# Postgres passwords for docker-compose.yml (generated; keep this file private, it is git-ignored).',
    '# The owner runs the migrations; each service connects as its own role (docs/security.md).',
  ];
  for (const variable of postgresPasswordVariables()) {
    let value = existing.get(variable);
    if (!value) {
      value = randomBytes(GENERATED_BYTES).toString('hex');
      generated.push(variable);
    }
    refuseExamplePassword(variable, value);
    lines.push(`${variable}=${value}`);
  }
  if (generated.length > 0) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
  chmodSync(path, 0o600);
  return generated;
}

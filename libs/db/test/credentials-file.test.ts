import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExamplePasswordError, ensurePostgresCredentials, postgresPasswordVariables } from '../src/index';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ats-pg-credentials-'));
  dirs.push(dir);
  return join(dir, 'nested', 'credentials.env');
};
const read = (path: string) =>
  Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z]/.test(line))
      .map((line) => line.split('=') as [string, string]),
  );

describe('Postgres credentials for compose', () => {
  it('generates the owner and every service password once, private, and keeps them after', () => {
    const path = scratch();
    expect(ensurePostgresCredentials(path)).toEqual(postgresPasswordVariables());
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const first = read(path);
    expect(Object.keys(first)).toEqual(['POSTGRES_PASSWORD', ...postgresPasswordVariables().slice(1)]);
    expect(Object.keys(first)).toContain('POSTGRES_PASSWORD_TECHNICAL_AGENT');
    for (const value of Object.values(first)) expect(value).toMatch(/^[0-9a-f]{48}$/);
    expect(new Set(Object.values(first)).size).toBe(Object.keys(first).length);

    expect(ensurePostgresCredentials(path)).toEqual([]);
    expect(read(path)).toEqual(first);
  });

  it('refuses a kept example password', () => {
    const path = scratch();
    ensurePostgresCredentials(path);
    const text = readFileSync(path, 'utf8').replace(/^POSTGRES_PASSWORD=.*$/m, 'POSTGRES_PASSWORD=postgres');
    writeFileSync(path, text);
    expect(() => ensurePostgresCredentials(path)).toThrow(ExamplePasswordError);
  });
});

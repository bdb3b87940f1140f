import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createPrismaClient,
  DatabaseUnreachableError,
  ensureMigrations,
  migrationStatus,
  pendingMigrations,
} from '../src/index';
import { createTestDatabase, type TestDatabase } from './support/test-database';

describe('ensureMigrations (deploy if needed)', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('ensure');
  });
  afterEach(async () => {
    await database.drop();
  });

  it('gives a fresh, empty database the schema, then does nothing (fast) when it is up to date', async () => {
    const first = await ensureMigrations({ databaseUrl: database.url });
    expect(first.applied.length).toBeGreaterThan(0);
    expect((await migrationStatus({ databaseUrl: database.url })).upToDate).toBe(true);

    const started = performance.now();
    const second = await ensureMigrations({ databaseUrl: database.url });
    expect(second.applied).toEqual([]);
    // One query, no schema engine: well under the second or so a deploy takes.
    expect(performance.now() - started).toBeLessThan(500);

    const prisma = createPrismaClient(database.url);
    try {
      await expect(prisma.run.count()).resolves.toBe(0);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('lists what a database lacks without deploying: every migration when empty, none once migrated', async () => {
    // The schema engine's own diagnosis is the independent reference.
    const { migrationNames, unappliedMigrationNames } = await migrationStatus({ databaseUrl: database.url });
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(unappliedMigrationNames).toEqual(migrationNames);
    expect(await pendingMigrations(database.url)).toEqual(migrationNames);
    // Looking changed nothing: the database is still empty.
    expect((await migrationStatus({ databaseUrl: database.url })).upToDate).toBe(false);
    await ensureMigrations({ databaseUrl: database.url });
    expect(await pendingMigrations(database.url)).toEqual([]);
    await expect(pendingMigrations('postgresql://ats:hunter2@127.0.0.1:1/none')).rejects.toBeInstanceOf(
      DatabaseUnreachableError,
    );
  });

  it('names an unreachable server in one actionable line, without its password', async () => {
    const error = await ensureMigrations({ databaseUrl: 'postgresql://ats:hunter2@127.0.0.1:1/none' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    const message = (error as Error).message;
    expect(message).toContain('127.0.0.1:1');
    expect(message).toContain('npm run services -- up');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('\n');
  });
});

const run = promisify(execFile);
const cwd = fileURLToPath(new URL('..', import.meta.url));
const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/migrations/cli.ts', ...args], {
    cwd,
    env: { ...process.env },
  });

describe('migrations CLI', () => {
  it('answers --help with its usage on stdout and exit 0', async () => {
    const { stdout } = await cli('--help');
    expect(stdout).toMatch(/^usage: /);
    expect(stdout).toContain('deploy');
  });

  it('refuses an unknown flag with one line on stderr and exit 2', async () => {
    const failure = await cli('--bogus').catch((e: unknown) => e as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr.trim().split('\n')).toEqual([
      "db migrations: unknown option '--bogus' (--help for usage)",
    ]);
  });
});

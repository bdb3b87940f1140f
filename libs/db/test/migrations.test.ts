import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployMigrations, migrationStatus } from '../src/index';
import { DEFAULT_MIGRATIONS_DIR } from '../src/migrations/migrate';
import { adminQuery, createTestDatabase, type TestDatabase } from './support/test-database';

async function migrationNamesOnDisk(dir = DEFAULT_MIGRATIONS_DIR): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

describe('deployMigrations', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('deploy');
  });
  afterEach(async () => {
    await database.drop();
  });

  it('applies every migration to an empty database and records it like prisma migrate deploy', async () => {
    const names = await migrationNamesOnDisk();
    expect(names.length).toBeGreaterThan(0);

    const { applied } = await deployMigrations({ databaseUrl: database.url });
    expect(applied).toEqual(names);

    const tables = await adminQuery<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      [],
      database.url,
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        '_prisma_migrations',
        'runs',
        'decisions',
        'orders',
        'fills',
        'portfolios',
        'positions',
        'portfolio_snapshots',
        'bars',
        'llm_cache_entries',
        'provider_calls',
        'backtest_results',
        'api_keys',
        'audit_events',
      ]),
    );

    const rows = await adminQuery<MigrationRow>(
      'SELECT * FROM _prisma_migrations ORDER BY migration_name',
      [],
      database.url,
    );
    expect(rows.map((row) => row.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = await readFile(join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('applies nothing the second time', async () => {
    await deployMigrations({ databaseUrl: database.url });
    const before = await adminQuery('SELECT id, finished_at FROM _prisma_migrations', [], database.url);

    const { applied } = await deployMigrations({ databaseUrl: database.url });

    expect(applied).toEqual([]);
    expect(await adminQuery('SELECT id, finished_at FROM _prisma_migrations', [], database.url)).toEqual(
      before,
    );
  });
});

describe('migrationStatus', () => {
  let database: TestDatabase;
  let migrationsDir: string | undefined;
  beforeEach(async () => {
    database = await createTestDatabase('status');
  });
  afterEach(async () => {
    await database.drop();
    if (migrationsDir) await rm(migrationsDir, { recursive: true, force: true });
    migrationsDir = undefined;
  });

  it('reports every migration as unapplied on an empty database, and none after deploy', async () => {
    const names = await migrationNamesOnDisk();

    const empty = await migrationStatus({ databaseUrl: database.url });
    expect(empty).toMatchObject({
      migrationNames: names,
      hasMigrationsTable: false,
      unappliedMigrationNames: names,
      history: { diagnostic: 'databaseIsBehind' },
      upToDate: false,
    });

    await deployMigrations({ databaseUrl: database.url });
    const deployed = await migrationStatus({ databaseUrl: database.url });
    expect(deployed).toMatchObject({ hasMigrationsTable: true, unappliedMigrationNames: [], upToDate: true });
  });

  it('flags an applied migration whose SQL was edited afterwards', async () => {
    migrationsDir = await mkdtemp(join(tmpdir(), 'ats-db-migrations-'));
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    await deployMigrations({ databaseUrl: database.url, migrationsDir });
    const [first] = await migrationNamesOnDisk(migrationsDir);
    const file = join(migrationsDir, first!, 'migration.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\n-- edited after it was applied\n`);

    const status = await migrationStatus({ databaseUrl: database.url, migrationsDir });

    expect(status.editedMigrationNames).toEqual([first]);
    expect(status.upToDate).toBe(false);
  });
});

describe('a migration that fails', () => {
  let database: TestDatabase;
  let migrationsDir: string;
  beforeEach(async () => {
    database = await createTestDatabase('failed');
    migrationsDir = await mkdtemp(join(tmpdir(), 'ats-db-failed-'));
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    await mkdir(join(migrationsDir, '29991231235959_broken'));
    await writeFile(
      join(migrationsDir, '29991231235959_broken', 'migration.sql'),
      'ALTER TABLE "nope" ADD "x" int;',
    );
  });
  afterEach(async () => {
    await database.drop();
    await rm(migrationsDir, { recursive: true, force: true });
  });

  it('is recorded as failed and blocks later deploys until resolved', async () => {
    await expect(deployMigrations({ databaseUrl: database.url, migrationsDir })).rejects.toThrow(
      /29991231235959_broken/,
    );

    const [row] = await adminQuery<MigrationRow>(
      `SELECT * FROM _prisma_migrations WHERE migration_name = '29991231235959_broken'`,
      [],
      database.url,
    );
    expect(row?.finished_at).toBeNull();
    expect(row?.logs).toMatch(/nope/);
    expect(await migrationStatus({ databaseUrl: database.url, migrationsDir })).toMatchObject({
      failedMigrationNames: ['29991231235959_broken'],
      upToDate: false,
    });
    await expect(deployMigrations({ databaseUrl: database.url, migrationsDir })).rejects.toThrow(/failed/);
  });
});

import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkMigrationDrift, createMigration, deployMigrations, migrationStatus } from '../src/index';
import { DEFAULT_MIGRATIONS_DIR } from '../src/migrations/migrate';
import { ADMIN_DATABASE_URL, createTestDatabase, type TestDatabase } from './support/test-database';

const DRIFTED_SCHEMA = fileURLToPath(new URL('./fixtures/drifted.prisma', import.meta.url));
const ADD_VENUE = /ALTER TABLE "fills" ADD COLUMN\s+"venue" TEXT;/;

// Drift checks only need the server to host their throw-away shadow databases.
const databaseUrl = ADMIN_DATABASE_URL;

describe('checkMigrationDrift', () => {
  it('reports the real schema in sync with the committed migrations', async () => {
    const report = await checkMigrationDrift({ databaseUrl });

    expect(report.inSync).toBe(true);
    expect(report.sql).toContain('This is an empty migration.');
  });

  it('reports a model changed without a migration, with the missing SQL', async () => {
    const report = await checkMigrationDrift({ databaseUrl, schemaPath: DRIFTED_SCHEMA });

    expect(report.inSync).toBe(false);
    expect(report.sql).toMatch(ADD_VENUE);
  });
});

describe('createMigration', () => {
  let migrationsDir: string;
  let database: TestDatabase | undefined;
  beforeEach(async () => {
    migrationsDir = await mkdtemp(join(tmpdir(), 'ats-db-create-'));
  });
  afterEach(async () => {
    await rm(migrationsDir, { recursive: true, force: true });
    await database?.drop();
    database = undefined;
  });

  it('writes the missing SQL as a new migration that brings migrations and schema back in sync', async () => {
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const options = { databaseUrl, migrationsDir, schemaPath: DRIFTED_SCHEMA };

    const created = await createMigration({
      ...options,
      name: 'Add fill venue',
      now: new Date('2099-01-02T03:04:05Z'),
    });

    expect(created).toBe(join(migrationsDir, '20990102030405_add_fill_venue'));
    const sql = await readFile(join(created!, 'migration.sql'), 'utf8');
    expect(sql).toMatch(ADD_VENUE);
    expect(await checkMigrationDrift(options)).toMatchObject({ inSync: true });
    expect(await createMigration({ ...options, name: 'again' })).toBeNull();
  });

  it('starts an empty migrations folder with a lockfile and a migration that deploys', async () => {
    const created = await createMigration({ databaseUrl, migrationsDir, name: 'init' });

    expect(created).not.toBeNull();
    expect(await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8')).toContain(
      'provider = "postgresql"',
    );
    database = await createTestDatabase('create');
    const { applied } = await deployMigrations({ databaseUrl: database.url, migrationsDir });
    expect(applied).toEqual(
      await readdir(migrationsDir).then((names) => names.filter((n) => n.endsWith('_init'))),
    );
    expect(await migrationStatus({ databaseUrl: database.url, migrationsDir })).toMatchObject({
      upToDate: true,
    });
  });

  it('refuses a migration that would sort before the latest one', async () => {
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });

    await expect(
      createMigration({
        databaseUrl,
        migrationsDir,
        schemaPath: DRIFTED_SCHEMA,
        name: 'too early',
        now: new Date('2000-01-01T00:00:00Z'),
      }),
    ).rejects.toThrow(/would not sort after/);
  });
});

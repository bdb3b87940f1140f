/**
 * "Deploy if needed" for commands that use the database (orchestrator run, backfill, services up): a fresh
 * database gets the schema without a prior `npm run db:migrate`, and an up-to-date one costs one query (the
 * wasm schema engine loads only when a migration is pending).
 */
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import pg from 'pg';
import {
  type ProvisionOptions,
  type ProvisionResult,
  provisionServiceRoles,
  provisionServiceRolesOn,
} from '../roles/provision';
import type { DeployResult, MigrationOptions } from './migrate';
import { DEFAULT_MIGRATIONS_DIR } from './migration-list';

/** Postgres did not answer; the message names the server (without password) and the ways out. */
export class DatabaseUnreachableError extends Error {
  override readonly name = 'DatabaseUnreachableError';
  constructor(
    readonly databaseUrl: string,
    cause: unknown,
  ) {
    super(
      `Postgres at ${redactPassword(databaseUrl)} is not reachable (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Start one with `npm run services -- up`, or point DATABASE__URL at yours.',
      { cause },
    );
  }
}

export function redactPassword(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<invalid DATABASE__URL>';
  }
}

async function migrationNamesOnDisk(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

/** A connection to `databaseUrl`, or DatabaseUnreachableError naming the server. */
async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    throw new DatabaseUnreachableError(databaseUrl, error);
  }
}

/** Names of migrations the database records as finished (empty when it has no `_prisma_migrations`). */
async function finishedMigrationNames(client: pg.Client): Promise<Set<string>> {
  const table = await client.query<{ present: boolean }>(
    "SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS present",
  );
  if (!table.rows[0]?.present) return new Set();
  const rows = await client.query<{ migration_name: string }>(
    'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
  );
  return new Set(rows.rows.map((row) => row.migration_name));
}

/**
 * This build's migrations that the database at `databaseUrl` has not finished, in name order: all of them for a
 * database without the schema, none when it is up to date. Two short queries on node-postgres, without Prisma: a
 * command that would only try a write (the backtester's copy of its result) learns from them whether loading Prisma
 * can pay. Throws DatabaseUnreachableError when Postgres does not answer.
 */
export async function pendingMigrations(
  databaseUrl: string,
  migrationsDir: string = DEFAULT_MIGRATIONS_DIR,
): Promise<string[]> {
  const client = await connect(databaseUrl);
  try {
    const [onDisk, finished] = await Promise.all([
      migrationNamesOnDisk(resolve(migrationsDir)),
      finishedMigrationNames(client),
    ]);
    return onDisk.filter((name) => !finished.has(name)).sort();
  } finally {
    await client.end();
  }
}

/**
 * Apply pending migrations, if any, then bring the service roles in line (as the owner; a service's own
 * connection only reads). Idempotent; concurrent callers are serialised by the engine's advisory lock. Throws
 * DatabaseUnreachableError when Postgres does not answer, MigrationError when a migration fails.
 */
export async function ensureMigrations(options: MigrationOptions): Promise<DeployResult> {
  const migrationsDir = resolve(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  const [onDisk, client] = await Promise.all([
    migrationNamesOnDisk(migrationsDir),
    connect(options.databaseUrl),
  ]);
  try {
    const finished = await finishedMigrationNames(client);
    let applied: string[] = [];
    if (!onDisk.every((name) => finished.has(name))) {
      const { deployMigrations } = await import('./migrate');
      applied = (await deployMigrations({ ...options, migrationsDir })).applied;
    }
    // A database migrated before the roles existed gets them here; when current, one catalogue query.
    return { applied, serviceRoles: await provisionServiceRolesOn(client, provisionOptions(options)) };
  } finally {
    await client.end();
  }
}

function provisionOptions(options: MigrationOptions): ProvisionOptions {
  return {
    databaseUrl: options.databaseUrl,
    ...(options.servicePasswords ? { passwords: options.servicePasswords } : {}),
  };
}

/** Provisions the service roles on the database just migrated (skipped when the user may not create roles). */
export function provisionRolesAfter(options: MigrationOptions): Promise<ProvisionResult> {
  return provisionServiceRoles(provisionOptions(options));
}

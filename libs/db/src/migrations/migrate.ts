/**
 * Offline replacement for `prisma migrate deploy | dev --create-only | diff | status`, driven by the wasm schema
 * engine over @prisma/adapter-pg (the Prisma CLI would need a native engine binary it cannot download here).
 * Loaded lazily from src/index.ts so that importing @ats/db never loads the wasm or patches pg.
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { HistoryDiagnostic, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { ProvisionResult } from '../roles/provision';
import {
  DEFAULT_MIGRATIONS_DIR,
  LOCKFILE,
  MIGRATION_FILE,
  POSTGRES_LOCKFILE,
  readMigrationList,
} from './migration-list';
import { createMigrationAdapterFactory, reportCharColumnsAsText } from './pg-workarounds';
import { PRISMA_DIR } from './prisma-dir';
import { openSchemaEngine, type SchemaEngine } from './schema-engine';

export const DEFAULT_SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma');
export { DEFAULT_MIGRATIONS_DIR };

/** Every table in the database is ours: nothing is excluded from diffs. */
const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };
/** `diff` with `exitCode: true` answers 2 when the two sides differ (0 when they match). */
const DIFF_EXIT_CHANGES = 2;

export interface MigrationOptions {
  /** Postgres the engine talks to; shadow databases are created (and dropped) on the same server. */
  readonly databaseUrl: string;
  readonly schemaPath?: string;
  readonly migrationsDir?: string;
  /** Receives the engine's log lines (JSON); silent by default. */
  readonly log?: (line: string) => void;
  /** Passwords to set on the service roles that deploying provisions (POSTGRES_PASSWORD_<SERVICE>). */
  readonly servicePasswords?: ReadonlyMap<string, string>;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly operation: string,
    readonly migrationsDir: string,
    cause: unknown,
  ) {
    super(
      `${operation} failed for ${migrationsDir}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

interface EngineSession {
  readonly engine: SchemaEngine;
  readonly schemaPath: string;
  readonly schemaContent: string;
  readonly migrationsDir: string;
}

async function withEngine<T>(
  operation: string,
  options: MigrationOptions,
  work: (session: EngineSession) => Promise<T>,
): Promise<T> {
  const schemaPath = resolve(options.schemaPath ?? DEFAULT_SCHEMA_PATH);
  const migrationsDir = resolve(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  reportCharColumnsAsText();
  const schemaContent = await readFile(schemaPath, 'utf8');
  const adapters = createMigrationAdapterFactory(options.databaseUrl);
  let engine: SchemaEngine | undefined;
  try {
    engine = await openSchemaEngine(
      { path: schemaPath, content: schemaContent },
      adapters,
      options.log ?? (() => {}),
    );
    return await work({ engine, schemaPath, schemaContent, migrationsDir });
  } catch (error) {
    throw new MigrationError(operation, migrationsDir, error);
  } finally {
    engine?.free();
    await adapters.close();
  }
}

export interface DeployResult {
  /** Migrations applied by this call, in order (empty when the database was up to date). */
  readonly applied: string[];
  /** The per-service roles provisioned after the migrations (set by deployMigrations and ensureMigrations). */
  readonly serviceRoles?: ProvisionResult;
}

/** Apply every pending migration, recording them in `_prisma_migrations` exactly as `prisma migrate deploy`. */
export function deployMigrations(options: MigrationOptions): Promise<DeployResult> {
  return withEngine('deploy', options, async ({ engine, migrationsDir }) => {
    const migrationsList = await readMigrationList(migrationsDir);
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return { applied: appliedMigrationNames };
  });
}

export interface DriftReport {
  /** True when replaying the migrations yields exactly the schema. */
  readonly inSync: boolean;
  /** SQL that would bring the migrated database to the schema ("-- This is an empty migration." when in sync). */
  readonly sql: string;
}

async function diffMigrationsToSchema(session: EngineSession): Promise<DriftReport> {
  const migrationsList = await readMigrationList(session.migrationsDir);
  // Replays the migrations into a throw-away shadow database and compares it with the schema file.
  const result = await session.engine.diff({
    from: { tag: 'migrations', ...migrationsList },
    to: { tag: 'schemaDatamodel', files: [{ path: session.schemaPath, content: session.schemaContent }] },
    script: true,
    exitCode: true,
    filters: NO_FILTERS,
  });
  return { inSync: result.exitCode !== DIFF_EXIT_CHANGES, sql: result.stdout ?? '' };
}

/** Does the schema match what the committed migrations produce? (CI gate: a model changed without a migration.) */
export function checkMigrationDrift(options: MigrationOptions): Promise<DriftReport> {
  return withEngine('check', options, diffMigrationsToSchema);
}

export interface CreateMigrationOptions extends MigrationOptions {
  readonly name: string;
  /** Time stamped into the folder name (UTC); defaults to now. */
  readonly now?: Date;
}

/** `add Fill fees!` → `add_fill_fees`, like `prisma migrate dev --name`. */
export function migrationSlug(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!slug) throw new Error(`Migration name ${JSON.stringify(name)} has no letters or digits`);
  return slug;
}

/** YYYYMMDDHHMMSS in UTC, the prefix Prisma gives migration folders. */
export function migrationTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * Write a new migration with the SQL that takes the committed migrations to the schema.
 * Returns the new folder, or null when the schema has no changes.
 */
export function createMigration(options: CreateMigrationOptions): Promise<string | null> {
  const folder = `${migrationTimestamp(options.now ?? new Date())}_${migrationSlug(options.name)}`;
  return withEngine('create', options, async (session) => {
    const drift = await diffMigrationsToSchema(session);
    if (drift.inSync) return null;
    const existing = (await readMigrationList(session.migrationsDir)).migrationDirectories.map((d) => d.path);
    const latest = existing.at(-1);
    // Migrations apply in name order; a folder sorting before the latest one would be applied out of order.
    if (latest !== undefined && latest >= folder) {
      throw new Error(`New migration ${folder} would not sort after the latest one, ${latest}`);
    }
    const directory = join(session.migrationsDir, folder);
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, MIGRATION_FILE), drift.sql);
    await writeFile(join(session.migrationsDir, LOCKFILE), POSTGRES_LOCKFILE, { flag: 'wx' }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      },
    );
    return directory;
  });
}

export interface MigrationStatus {
  /** Migration folders on disk, in apply order. */
  readonly migrationNames: string[];
  readonly hasMigrationsTable: boolean;
  /** On disk but not yet applied to the database. */
  readonly unappliedMigrationNames: string[];
  readonly failedMigrationNames: string[];
  /** Applied, but their migration.sql changed since (checksum mismatch). */
  readonly editedMigrationNames: string[];
  /** The engine's diagnosis; null when the database history matches the folder. */
  readonly history: HistoryDiagnostic | null;
  readonly upToDate: boolean;
}

/** Compare the database's migration history with the migrations folder (like `prisma migrate status`). */
export function migrationStatus(options: MigrationOptions): Promise<MigrationStatus> {
  return withEngine('status', options, async ({ engine, migrationsDir }) => {
    const migrationsList = await readMigrationList(migrationsDir);
    const diagnosis = await engine.diagnoseMigrationHistory({
      migrationsList,
      optInToShadowDatabase: false,
      filters: NO_FILTERS,
    });
    const history = diagnosis.history;
    const unappliedMigrationNames =
      history && history.diagnostic !== 'migrationsDirectoryIsBehind' ? history.unappliedMigrationNames : [];
    return {
      migrationNames: migrationsList.migrationDirectories.map((directory) => directory.path),
      hasMigrationsTable: diagnosis.hasMigrationsTable,
      unappliedMigrationNames,
      failedMigrationNames: diagnosis.failedMigrationNames,
      editedMigrationNames: diagnosis.editedMigrationNames,
      history,
      upToDate:
        history === null &&
        diagnosis.failedMigrationNames.length === 0 &&
        diagnosis.editedMigrationNames.length === 0,
    };
  });
}

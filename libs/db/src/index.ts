import type {
  CreateMigrationOptions,
  DeployResult,
  DriftReport,
  MigrationOptions,
  MigrationStatus,
} from './migrations/migrate';

export { createPrismaClient } from './client';
export * from './generated/prisma/client';
// "Deploy if needed" (one query when up to date; the engine loads only for a pending migration): what every
// command that needs the schema calls first.
export { DatabaseUnreachableError, ensureMigrations, redactPassword } from './migrations/ensure';
export type { CreateMigrationOptions, DeployResult, DriftReport, MigrationOptions, MigrationStatus };

// Migrations load the wasm schema engine and patch pg; import them only when a migration function is called.
const loadMigrations = () => import('./migrations/migrate');

/** Apply pending migrations (same `_prisma_migrations` bookkeeping as `prisma migrate deploy`). */
export async function deployMigrations(options: MigrationOptions): Promise<DeployResult> {
  return (await loadMigrations()).deployMigrations(options);
}

/** Write prisma/migrations/<UTC timestamp>_<name>/migration.sql for schema changes; null when unchanged. */
export async function createMigration(options: CreateMigrationOptions): Promise<string | null> {
  return (await loadMigrations()).createMigration(options);
}

/** Compare the committed migrations with schema.prisma (not in sync = a model changed without a migration). */
export async function checkMigrationDrift(options: MigrationOptions): Promise<DriftReport> {
  return (await loadMigrations()).checkMigrationDrift(options);
}

/** Compare the database's applied migrations with the migrations folder. */
export async function migrationStatus(options: MigrationOptions): Promise<MigrationStatus> {
  return (await loadMigrations()).migrationStatus(options);
}

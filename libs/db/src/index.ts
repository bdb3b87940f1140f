import { provisionRolesAfter } from './migrations/ensure';
import type {
  CreateMigrationOptions,
  DeployResult,
  DriftReport,
  MigrationOptions,
  MigrationStatus,
} from './migrations/migrate';

export { createPrismaClient } from './client';

/**
 * createPrismaClient, loaded on first use: Prisma's runtime and its pg adapter take ~90 ms to load, which a command
 * that may end without a client (a database without the schema) need not pay before it knows.
 */
export async function loadCreatePrismaClient(): Promise<typeof import('./client').createPrismaClient> {
  return (await import('./client')).createPrismaClient;
}
export { insertDecisionRows } from './decision-rows';
export * from './generated/prisma/client';
// "Deploy if needed" (one query when up to date; the engine loads only for a pending migration): what every
// command that needs the schema calls first.
export {
  DatabaseUnreachableError,
  ensureMigrations,
  pendingMigrations,
  provisionRolesAfter,
  redactPassword,
} from './migrations/ensure';
export {
  ensurePostgresCredentials,
  OWNER_PASSWORD_VARIABLE,
  postgresPasswordVariables,
} from './roles/credentials-file';
export { ExamplePasswordError, MIN_PASSWORD_LENGTH, refuseExamplePassword } from './roles/example-passwords';
export {
  type ProvisionOptions,
  type ProvisionResult,
  provisionServiceRoles,
  serviceDatabaseUrl,
  servicePasswordsFromEnv,
  UnknownServiceRoleError,
} from './roles/provision';
export {
  SERVICE_GRANTS,
  servicePasswordVariable,
  serviceRoleName,
  type TableGrants,
  type TablePrivilege,
} from './roles/service-grants';
export type { CreateMigrationOptions, DeployResult, DriftReport, MigrationOptions, MigrationStatus };

// Migrations load the wasm schema engine and patch pg; import them only when a migration function is called.
const loadMigrations = () => import('./migrations/migrate');

/**
 * Apply pending migrations (same `_prisma_migrations` bookkeeping as `prisma migrate deploy`), then provision one
 * login role per service with grants on its own tables (as the owner; see roles/service-grants.ts).
 */
export async function deployMigrations(options: MigrationOptions): Promise<DeployResult> {
  const { applied } = await (await loadMigrations()).deployMigrations(options);
  return { applied, serviceRoles: await provisionRolesAfter(options) };
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

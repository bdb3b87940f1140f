/**
 * One login role per service with grants on its own tables only (SERVICE_GRANTS); the owner that applies the
 * migrations provisions them. Idempotent: roles are created when missing, their attributes reset, and each
 * role's table privileges replaced by exactly those of the table, in one transaction.
 */
import pg from 'pg';
import { refuseExamplePassword } from './example-passwords';
import { scramVerifier } from './scram';
import {
  MIGRATIONS_TABLE,
  SERVICE_GRANTS,
  servicePasswordVariable,
  serviceRoleName,
  type TableGrants,
} from './service-grants';

/** Serialises provisioning per database (concurrent GRANTs on one table fail with "tuple concurrently updated"). */
const PROVISION_LOCK_KEY = 7_310_018;

export interface ProvisionOptions {
  /** Owner (or superuser) connection: the one migrations run with. */
  readonly databaseUrl: string;
  /** Service -> password to set (SCRAM verifier); a service left out keeps its password (none when new). */
  readonly passwords?: ReadonlyMap<string, string>;
  /** Defaults to SERVICE_GRANTS. */
  readonly grants?: Readonly<Record<string, TableGrants>>;
}

export type ProvisionResult =
  /** `changed` false: the roles already held exactly their grants (one catalogue query, nothing written). */
  | { readonly provisioned: true; readonly roles: string[]; readonly changed: boolean }
  /** The connecting user may not create roles (a service's own connection): nothing was changed. */
  | { readonly provisioned: false; readonly reason: string };

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The statements that make `role` hold exactly `grants` on the tables of `schema` that exist. */
function roleStatements(role: string, grants: TableGrants, schema: string, password?: string): string[] {
  const r = quoteIdent(role);
  const s = quoteIdent(schema);
  // Two provisioners on other databases of the same cluster may create the role at once: the loser moves on.
  const statements = [
    `DO $$ BEGIN CREATE ROLE ${r} LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    // Roles are shared by every database of the cluster: alter one only when it drifted, so provisioners of
    // other databases rarely update the same catalogue row.
    `DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${quoteLiteral(role)} AND (NOT rolcanlogin ` +
      'OR rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)) THEN ' +
      `ALTER ROLE ${r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; END IF; END $$`,
    `DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ${quoteLiteral(role)}); END $$`,
    `GRANT USAGE ON SCHEMA ${s} TO ${r}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${r}`,
  ];
  if (password !== undefined)
    statements.push(`ALTER ROLE ${r} PASSWORD ${quoteLiteral(scramVerifier(password))}`);
  const tables: [string, readonly string[]][] = [...Object.entries(grants), [MIGRATIONS_TABLE, ['SELECT']]];
  for (const [table, privileges] of tables) {
    const qualified = `${s}.${quoteIdent(table)}`;
    // A database migrated from another folder (tests) may lack a table: grant what exists.
    statements.push(
      `DO $$ BEGIN IF to_regclass(${quoteLiteral(`${s}.${quoteIdent(table)}`)}) IS NOT NULL THEN ` +
        `GRANT ${privileges.join(', ')} ON ${qualified} TO ${r}; END IF; END $$`,
    );
  }
  return statements;
}

/** The schema Prisma uses for this URL (`?schema=`, default public). */
function schemaOf(databaseUrl: string): string {
  return new URL(databaseUrl).searchParams.get('schema') ?? 'public';
}

/** `role|table|PRIVILEGE` for every table privilege `grants` asks for on the tables that exist. */
function wantedPrivileges(
  grants: Readonly<Record<string, TableGrants>>,
  tables: ReadonlySet<string>,
): string[] {
  return Object.entries(grants).flatMap(([service, tableGrants]) =>
    [...Object.entries(tableGrants), [MIGRATIONS_TABLE, ['SELECT']] as const]
      .filter(([table]) => tables.has(table))
      .flatMap(([table, privileges]) => privileges.map((p) => `${serviceRoleName(service)}|${table}|${p}`)),
  );
}

/**
 * Whether every role exists as a plain login role that may connect and use the schema, and holds exactly the
 * wanted privileges on the schema's tables and sequences: what "deploy if needed" checks on every start.
 */
async function grantsAreCurrent(
  client: pg.Client,
  grants: Readonly<Record<string, TableGrants>>,
  schema: string,
): Promise<boolean> {
  const roles = Object.keys(grants).map(serviceRoleName);
  const { rows } = await client.query<{ held: string[] | null; tables: string[] | null; sound: number }>(
    `SELECT
       (SELECT array_agg(r.rolname || '|' || c.relname || '|' || a.privilege_type)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          CROSS JOIN LATERAL aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee
         WHERE n.nspname = $1 AND r.rolname = ANY($2)) AS held,
       (SELECT array_agg(c.relname::text) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')) AS tables,
       (SELECT count(*)::int FROM pg_roles r
         WHERE r.rolname = ANY($2) AND r.rolcanlogin AND NOT r.rolsuper AND NOT r.rolcreatedb
           AND NOT r.rolcreaterole AND NOT r.rolreplication AND NOT r.rolbypassrls
           AND has_database_privilege(r.rolname, current_database(), 'CONNECT')
           AND has_schema_privilege(r.rolname, $1, 'USAGE')) AS sound`,
    [schema, roles],
  );
  const row = rows[0];
  if (!row || row.sound !== roles.length) return false;
  const wanted = wantedPrivileges(grants, new Set(row.tables ?? [])).sort();
  const held = [...(row.held ?? [])].sort();
  return wanted.length === held.length && wanted.every((entry, i) => entry === held[i]);
}

/** Creates or updates every service role on the database of `databaseUrl`; skips when the user may not. */
export async function provisionServiceRoles(options: ProvisionOptions): Promise<ProvisionResult> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    return await provisionServiceRolesOn(client, options);
  } finally {
    await client.end();
  }
}

/** provisionServiceRoles on a connection the caller holds (and closes). */
export async function provisionServiceRolesOn(
  client: pg.Client,
  options: ProvisionOptions,
): Promise<ProvisionResult> {
  const grants = options.grants ?? SERVICE_GRANTS;
  for (const [service, password] of options.passwords ?? [])
    refuseExamplePassword(servicePasswordVariable(service), password);
  const { rows } = await client.query<{ may: boolean; user: string }>(
    'SELECT (rolsuper OR rolcreaterole) AS may, current_user AS "user" FROM pg_roles WHERE rolname = current_user',
  );
  const me = rows[0];
  if (!me?.may)
    return { provisioned: false, reason: `${me?.user ?? 'this user'} may not create roles (not the owner)` };
  const schema = schemaOf(options.databaseUrl);
  const roles = Object.keys(grants).map(serviceRoleName);
  if (!options.passwords?.size && (await grantsAreCurrent(client, grants, schema)))
    return { provisioned: true, roles, changed: false };
  const statements = Object.entries(grants).flatMap(([service, tables]) =>
    roleStatements(serviceRoleName(service), tables, schema, options.passwords?.get(service)),
  );
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [PROVISION_LOCK_KEY]);
      await client.query(statements.join(';\n'));
      await client.query('COMMIT');
      return { provisioned: true, roles, changed: true };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (attempt >= MAX_ATTEMPTS || !isConcurrentCatalogUpdate(error)) throw error;
    }
  }
}

/** Provisioners of two databases of one cluster (the lock is per database) may update a shared role row at once. */
const MAX_ATTEMPTS = 3;
function isConcurrentCatalogUpdate(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === '40001' || code === '40P01' || (code === 'XX000' && /concurrently/.test(message ?? ''));
}

/** Passwords for the service roles from POSTGRES_PASSWORD_<SERVICE> variables (only those that are set). */
export function servicePasswordsFromEnv(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const passwords = new Map<string, string>();
  for (const service of Object.keys(SERVICE_GRANTS)) {
    const value = env[servicePasswordVariable(service)];
    if (value) passwords.set(service, value);
  }
  return passwords;
}

/** Thrown for a service with no Postgres role in SERVICE_GRANTS. */
export class UnknownServiceRoleError extends RangeError {
  override readonly name = 'UnknownServiceRoleError';
  constructor(readonly service: string) {
    super(`no Postgres role for ${service} in libs/db/src/roles/service-grants.ts`);
  }
}

/** The owner's URL with the service's role (and its password, when it has one) in place of the owner. */
export function serviceDatabaseUrl(ownerUrl: string, service: string, password?: string): string {
  if (!(service in SERVICE_GRANTS)) throw new UnknownServiceRoleError(service);
  const url = new URL(ownerUrl);
  url.username = serviceRoleName(service);
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}

/**
 * Offline Prisma migrations: `tsx libs/db/src/migrations/cli.ts deploy | create <name> | check | status`.
 * Reads DATABASE__URL (default: local Postgres). Exits 1 on failure, on drift (check) and when the
 * database is behind (status). ATS_DB_DEBUG=1 prints the schema engine's log.
 */
import { ensurePostgresCredentials } from '../roles/credentials-file';
import { refuseExamplePassword } from '../roles/example-passwords';
import { provisionServiceRoles, servicePasswordsFromEnv } from '../roles/provision';
import { checkMigrationDrift, createMigration, deployMigrations, migrationStatus } from './migrate';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const USAGE = `usage: tsx libs/db/src/migrations/cli.ts <command>   (npm run db:migrate | db:check | db:status)
  deploy           apply every pending migration to DATABASE__URL, then provision the service roles
  roles            only provision the service roles (one login role per service, grants on its tables)
  credentials <f>  write the missing Postgres passwords (owner, each service) into env file <f> (compose)
  create <name>    write a migration for schema.prisma changes
  check            fail when schema.prisma has changes no migration covers
  status           the database's migration history (exit 1 when behind)
Environment: DATABASE__URL (default ${DEFAULT_DATABASE_URL}), ATS_DB_DEBUG=1 for the engine's log,
  POSTGRES_PASSWORD_<SERVICE> (e.g. POSTGRES_PASSWORD_TECHNICAL_AGENT): passwords set on the service roles.
  Example or short passwords (owner or service) are refused.`;
const COMMANDS = new Set(['deploy', 'roles', 'credentials', 'create', 'check', 'status']);

/** The owner's password as the connection will use it: in the URL, else PGPASSWORD (node-postgres reads it). */
function ownerPassword(databaseUrl: string): string | undefined {
  const inUrl = new URL(databaseUrl).password;
  return inUrl ? decodeURIComponent(inUrl) : process.env.PGPASSWORD;
}

function rolesLine(result: Awaited<ReturnType<typeof provisionServiceRoles>>): string {
  return result.provisioned
    ? `Service roles: ${result.roles.join(', ')}`
    : `Service roles not provisioned: ${result.reason}`;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    console.log(USAGE);
    return 0;
  }
  const unknownOption = argv.find((arg) => arg.startsWith('-'));
  if (unknownOption !== undefined) {
    console.error(`db migrations: unknown option '${unknownOption}' (--help for usage)`);
    return 2;
  }
  const [command, name] = argv;
  if (command === undefined || !COMMANDS.has(command)) {
    console.error(
      command === undefined ? USAGE : `db migrations: unknown command '${command}' (--help for usage)`,
    );
    return 2;
  }
  const databaseUrl = process.env.DATABASE__URL ?? DEFAULT_DATABASE_URL;
  const log = process.env.ATS_DB_DEBUG ? (line: string) => console.error(line) : undefined;
  const options = { databaseUrl, log };
  const servicePasswords = servicePasswordsFromEnv();
  switch (command) {
    case 'deploy': {
      refuseExamplePassword('the owner (DATABASE__URL or PGPASSWORD)', ownerPassword(databaseUrl));
      const started = performance.now();
      const { applied } = await deployMigrations(options);
      const ms = Math.round(performance.now() - started);
      console.log(
        applied.length
          ? `Applied ${applied.length} migration(s) in ${ms} ms:`
          : `No pending migrations (${ms} ms)`,
      );
      for (const migration of applied) console.log(`  ${migration}`);
      console.log(rolesLine(await provisionServiceRoles({ databaseUrl, passwords: servicePasswords })));
      return 0;
    }
    case 'roles': {
      refuseExamplePassword('the owner (DATABASE__URL or PGPASSWORD)', ownerPassword(databaseUrl));
      const result = await provisionServiceRoles({ databaseUrl, passwords: servicePasswords });
      console.log(rolesLine(result));
      return result.provisioned ? 0 : 1;
    }
    case 'credentials': {
      if (!name) {
        console.error(USAGE);
        return 2;
      }
      const generated = ensurePostgresCredentials(name);
      console.log(generated.length ? `${name}: generated ${generated.join(', ')}` : `${name}: complete`);
      return 0;
    }
    case 'create': {
      if (!name) {
        console.error(USAGE);
        return 2;
      }
      const directory = await createMigration({ ...options, name });
      console.log(directory ? `Created ${directory}` : 'Schema unchanged: no migration created');
      return 0;
    }
    case 'check': {
      const { inSync, sql } = await checkMigrationDrift(options);
      if (inSync) {
        console.log('Migrations match schema.prisma');
        return 0;
      }
      console.error(
        'schema.prisma has changes that no migration covers; run `create <name>`. Missing SQL:\n',
      );
      console.error(sql);
      return 1;
    }
    case 'status': {
      const status = await migrationStatus(options);
      console.log(JSON.stringify(status, null, 2));
      return status.upToDate ? 0 : 1;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);

import { ensureMigrations } from '@ats/db';
import { runWithServices } from './run';
import { down, type Endpoint, status, up } from './services';

const USAGE = `usage: services <command>
  up                 make NATS (JetStream) and Postgres available, apply pending migrations;
                     print NATS__URL=... and DATABASE__URL=...
  env                like up, but print shell export lines: eval "$(npx tsx tools/services/cli.ts env)"
  status             what answers at the configured URLs and which private servers run
  down               stop the private servers started under the state dir (never system services)
  run -- <cmd...>    up, run <cmd> with the URLs in its environment, stop what this run started, exit with its code
Environment: NATS__URL, DATABASE__URL (used when they answer), ATS_SERVICES_DIR (default <repo>/.services).`;

const describe = (name: string, endpoint: Endpoint | undefined): string =>
  endpoint ? `[services] ${name}: ${endpoint.url} (${endpoint.source})\n` : '';

const COMMANDS = ['up', 'env', 'status', 'down', 'run'];

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!COMMANDS.includes(command)) {
    const what = command.startsWith('-') ? 'option' : 'command';
    process.stderr.write(`services: unknown ${what} '${command}' (--help for usage)\n`);
    return 2;
  }
  if (command !== 'run' && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'run' && rest.length > 0) {
    process.stderr.write(`services: '${command}' takes no arguments, got '${rest[0]}' (--help for usage)\n`);
    return 2;
  }
  switch (command) {
    case 'up':
    case 'env': {
      const services = await up({ keep: true });
      process.stderr.write(describe('nats', services.nats) + describe('postgres', services.postgres));
      // Everything that uses the database finds its tables: a fresh server gets the schema here.
      const databaseUrl = services.env.DATABASE__URL;
      if (databaseUrl) {
        const { applied, serviceRoles } = await ensureMigrations({ databaseUrl });
        const roles = serviceRoles?.provisioned
          ? `, one role per service (${serviceRoles.changed ? 'provisioned' : 'current'})`
          : '';
        process.stderr.write(
          `[services] postgres: ${applied.length ? `applied ${applied.length} migration(s)` : 'schema up to date'}${roles}\n`,
        );
      }
      const prefix = command === 'env' ? 'export ' : '';
      for (const [key, value] of Object.entries(services.env))
        process.stdout.write(`${prefix}${key}=${value}\n`);
      return 0;
    }
    case 'down': {
      const stopped = await down();
      if (stopped.nats) process.stderr.write(`[services] stopped nats-server pid ${stopped.nats.pid}\n`);
      if (stopped.postgres) process.stderr.write(`[services] stopped postgres pid ${stopped.postgres.pid}\n`);
      if (!stopped.nats && !stopped.postgres)
        process.stderr.write('[services] no private servers recorded\n');
      return 0;
    }
    case 'status': {
      process.stdout.write(`${JSON.stringify(await status(), null, 2)}\n`);
      return 0;
    }
    case 'run': {
      const commandLine = rest[0] === '--' ? rest.slice(1) : rest;
      const [program, ...args] = commandLine;
      if (!program) {
        process.stderr.write(`${USAGE}\n`);
        return 2;
      }
      return runWithServices(program, args, {
        onUp: (services) =>
          process.stderr.write(describe('nats', services.nats) + describe('postgres', services.postgres)),
      });
    }
    default:
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[services] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

import { userInfo } from 'node:os';
import { loadConfig } from '@ats/config';
import { systemClock } from '@ats/contracts';
import { createPrismaClient, ensureMigrations } from '@ats/db';
import { AuditLog } from '../auth/audit';
import { ApiKeyStore } from '../auth/key-store';
import { KeysUsageError, runKeysCommand, USAGE } from './keys-command';

/** `npx nx run api-gateway:keys <command>`: manage API keys straight in Postgres (bootstraps the first admin key). */
async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  // A fresh database gets the schema here (one query when up to date): no `npm run db:migrate` first.
  await ensureMigrations({ databaseUrl: config.database.url });
  const db = createPrismaClient(config.database.url);
  try {
    const output = await runKeysCommand(
      argv,
      new ApiKeyStore(db, systemClock),
      new AuditLog(db, systemClock),
      `cli:${userInfo().username}`,
    );
    process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return 0;
  } finally {
    await db.$disconnect();
  }
}

main(process.argv.slice(2).filter((arg) => arg !== '--')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const hint = error instanceof KeysUsageError ? ' (--help for usage)' : '';
    process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    process.exit(error instanceof KeysUsageError ? 2 : 1);
  },
);

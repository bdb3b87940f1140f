import { userInfo } from 'node:os';
import { loadConfig } from '@ats/config';
import { systemClock } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
import { AuditLog } from '../auth/audit';
import { ApiKeyStore } from '../auth/key-store';
import { KeysUsageError, runKeysCommand, USAGE } from './keys-command';

/** `npx nx run api-gateway:keys <command>`: manage API keys straight in Postgres (bootstraps the first admin key). */
async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help')) {
    process.stdout.write(USAGE);
    return argv.length === 0 ? 1 : 0;
  }
  const config = loadConfig();
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof KeysUsageError) process.stderr.write(USAGE);
    process.exit(error instanceof KeysUsageError ? 2 : 1);
  },
);

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Run as a process, as an operator runs it: the bench never imports an app's internals.
const keysCli = fileURLToPath(new URL('../../apps/api-gateway/src/cli/keys.ts', import.meta.url));

/** An API key made as an operator makes one: the gateway's keys CLI against the bench database. */
export async function apiKeyFromCli(
  databaseUrl: string,
  name: string,
  scopes: 'read' | 'admin',
): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', keysCli, 'create', `--name=${name}`, `--scopes=${scopes}`],
    { env: { ...process.env, DATABASE__URL: databaseUrl, LOG_LEVEL: 'warn' } },
  );
  return (JSON.parse(stdout) as { key: string }).key;
}

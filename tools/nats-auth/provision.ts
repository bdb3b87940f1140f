import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectBus, type TopologyReport } from '@ats/bus';
import { CREDENTIALS_FILE } from './generate';
import { parseEnvFile, passwordVariable } from './server-config';
import { operatorStreams } from './streams';
import { ADMIN_USER } from './topology';

const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/**
 * Creates every stream of operatorStreams(), or brings it back to its declaration, as the operators' user: the
 * step a deployment runs after nats-server is up and before the services start (the local stack's startAuthNats
 * runs it itself). Idempotent: a second run reports every stream "unchanged".
 */
export async function provisionStreams(url: string, adminPassword: string): Promise<TopologyReport> {
  const bus = await connectBus({ url, name: 'nats-provision', user: ADMIN_USER, password: adminPassword });
  try {
    return await bus.ensureTopology({ streams: operatorStreams() });
  } finally {
    await bus.close();
  }
}

/** The operators' password: NATS_PASSWORD_OPS_ADMIN from the environment, else from ops/nats/credentials.env. */
function adminPassword(): string {
  const variable = passwordVariable(ADMIN_USER);
  const password =
    process.env[variable] ?? parseEnvFile(readFileSync(CREDENTIALS_FILE, 'utf8')).get(variable);
  if (!password) throw new Error(`no ${variable} in the environment or ${CREDENTIALS_FILE}`);
  return password;
}

async function main(): Promise<number> {
  const url = process.env.NATS__URL ?? DEFAULT_NATS_URL;
  const report = await provisionStreams(url, adminPassword());
  process.stdout.write(`${JSON.stringify({ url, streams: report.streams })}\n`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main().then((code) => process.exit(code));

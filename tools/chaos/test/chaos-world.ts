import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectBus, type NatsBus } from '@ats/bus';
import { Streams } from '@ats/contracts';
import { createPrismaClient, deployMigrations, type PrismaClient } from '@ats/db';
import { ADMIN_USER } from '@ats/tool-nats-auth';
import { type PlannedProcess, type RunningStack, startStack } from '@ats/tool-stack';
import { jetstreamManager } from '@nats-io/jetstream';
import { type ChaosPostgres, startChaosPostgres } from '../private-postgres';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** What a chaos test breaks: its own Postgres, the stack's own nats-server and apps, and an operator's view. */
export interface ChaosWorld {
  readonly postgres: ChaosPostgres;
  readonly stack: RunningStack;
  /** The operators' NATS user: reads every stream (the checks compare JetStream with Postgres). */
  readonly admin: NatsBus;
  readonly prisma: PrismaClient;
  stop(): Promise<void>;
}

export interface ChaosWorldOptions {
  /** The apps to run (none: only the stack's nats-server, for an orchestrator CLI with embedded agents). */
  readonly processes: readonly PlannedProcess[];
  readonly logLevel: 'warn' | 'error';
  readonly onLine: (name: string, line: string) => void;
}

/**
 * A private Postgres (migrated) and the stack's private nats-server with the generated users, never the shared
 * servers: the chaos tests restart and stop them. The orchestrator service owns the dead-letter stream; it is not
 * running here, so the operators' user adds it.
 */
export async function startChaosWorld(options: ChaosWorldOptions): Promise<ChaosWorld> {
  const postgres = await startChaosPostgres();
  await deployMigrations({ databaseUrl: postgres.url });
  const stack = await startStack({
    repoRoot: REPO_ROOT,
    processes: options.processes,
    databaseUrl: postgres.url,
    env: { ...process.env, LOG_LEVEL: options.logLevel, LLM__PROVIDER: 'offline' },
    onLine: options.onLine,
  });
  const admin = await connectBus({
    url: stack.nats.url,
    user: ADMIN_USER,
    password: stack.nats.passwords.get(ADMIN_USER),
    name: 'chaos-admin',
  });
  const jsm = await jetstreamManager(admin.connection);
  await jsm.streams.add({ name: Streams.deadLetters.name, subjects: [...Streams.deadLetters.subjects] });
  const prisma = createPrismaClient(postgres.url);
  return {
    postgres,
    stack,
    admin,
    prisma,
    async stop() {
      await prisma.$disconnect();
      await admin.close();
      await stack.stop();
      await postgres.stop();
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Bus, connectBus } from '@ats/bus';
import { Messages, Subjects, systemClock } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
import { bundledEntry, eventually as pollUntil, testServices, uniqueName, within } from '@ats/tool-testing';
import type { FastifyInstance } from 'fastify';
import { type ApiGatewayDeps, buildApiGateway } from '../src/app';
import { ApiKeyStore } from '../src/auth/key-store';
import { type GatewayChannels, gatewayChannels } from '../src/channels';
import { probe } from '../src/dependencies';

export const logger = createLogger({ service: 'api-gateway-test', level: 'warn' });

export interface Gateway {
  readonly app: FastifyInstance;
  readonly bus: Bus;
  readonly db: PrismaClient;
  readonly channels: GatewayChannels;
  /** Keys with each scope (Bearer tokens). */
  readonly keys: { read: string; trade: string; admin: string };
  readonly keyIds: { read: string; trade: string; admin: string };
  close(): Promise<void>;
}

/**
 * A gateway on the run's NATS and migrated Postgres, in its own subject namespace, with one key per scope. Its bus
 * and cycle request timeouts are test deadlines, generous enough for a busy machine, unless a test overrides them.
 */
export async function startGateway(overrides: Partial<ApiGatewayDeps> = {}): Promise<Gateway> {
  const { natsUrl, databaseUrl } = testServices();
  const bus = await connectBus({ url: natsUrl, name: 'api-gateway-test', logger });
  const db = createPrismaClient(databaseUrl);
  const channels = gatewayChannels(uniqueName('gw'));
  const app = await buildApiGateway({
    bus,
    db,
    logger,
    channels,
    probes: { nats: probe(() => bus.ping()), postgres: probe(() => db.$queryRaw`SELECT 1`) },
    busRequestTimeoutMs: within(30_000),
    cycleTimeoutMs: within(60_000),
    ...overrides,
  });
  await app.ready();
  const store = new ApiKeyStore(db, systemClock);
  const [read, trade, admin] = await Promise.all([
    store.create('test read', ['read']),
    store.create('test trade', ['trade']),
    store.create('test admin', ['admin']),
  ]);
  return {
    app,
    bus,
    db,
    channels,
    keys: { read: read.key, trade: trade.key, admin: admin.key },
    keyIds: { read: read.id, trade: trade.id, admin: admin.id },
    async close() {
      await app.close();
      await bus.deleteStream(channels.backtestJobsStream.name).catch(() => false);
      await bus.close();
      await db.$disconnect();
    },
  };
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const dataGatewayMain = fileURLToPath(new URL('../../data-gateway/src/main.ts', import.meta.url));

/** The data gateway as its own process, as in production, serving the data folder's CSV bars. */
export async function startDataGatewayProcess(bus: Bus): Promise<ChildProcess> {
  const { natsUrl } = testServices();
  const child = spawn(process.execPath, [...bundledEntry(dataGatewayMain)], {
    env: { ...process.env, NATS__URL: natsUrl, LOG_LEVEL: 'error', ENVIRONMENT: 'test' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // The first start builds the data gateway's bundle: on two busy cores that takes a while, so poll against a generous
  // deadline; each probe gets a few seconds, since a first history request also loads the CSV.
  await pollUntil(
    async () => {
      const reply = await bus.request(
        Subjects.historyRequest,
        Messages.historyRequest,
        Messages.historyResponse,
        { symbol: 'AAPL', from: '2023-01-03', to: '2023-01-03' },
        { timeoutMs: 5_000 },
      );
      return reply.ok ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 200, what: 'the data gateway process serving history' },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  return child;
}

/** Polls until `check` returns a value; the deadline is generous (and stretched by ATS_TEST_TIME_SCALE). */
export function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  return pollUntil(check, { timeoutMs, intervalMs: 50 });
}

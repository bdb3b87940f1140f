/**
 * A Postgres blip during a paper replay: every connection of the orchestrator is terminated by the server
 * (`pg_terminate_backend`, what a restart does to them) in the middle of the run. The replay waits and carries
 * on through the outage-tolerant store (as the CLI wires it) and ends with the book of an uninterrupted run.
 */
import { type Bus, connectBus } from '@ats/bus';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
import { testServices, uniqueName } from '@ats/tool-testing';
import {
  outageTolerantStore,
  PrismaTradingStore,
  runTimeline,
  timelineDifferences,
} from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../src/replay';
import { dataFolderMarketData } from './market-data';
import { CYCLES, dropNamespace, expectRunReconciles, FROM, INITIAL_CASH, SYMBOLS, TO } from './support';

const logger = createLogger({ service: 'orchestrator-test', level: 'error' });
const namespace = uniqueName('orchblip');
/** Cycles after which the connections are cut, over and over, so the cuts land in fills, orders and snapshots. */
const CUT_FROM_CYCLE = 5;
const CUTS = 4;
let bus: Bus;
let admin: PrismaClient;
let prisma: PrismaClient;
let applicationName: string;

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  bus = await connectBus({ url: natsUrl, name: 'orchestrator-blip-test', logger });
  admin = createPrismaClient(databaseUrl);
  // Its own application name, so the test cuts the replay's connections and nobody else's.
  applicationName = uniqueName('orch_blip').replace(/[^A-Za-z0-9_]/g, '_');
  const url = new URL(databaseUrl);
  url.searchParams.set('application_name', applicationName);
  prisma = createPrismaClient(url.toString());
});
afterAll(async () => {
  await prisma?.$disconnect();
  await admin?.$disconnect();
  await bus?.close();
  await dropNamespace(testServices().natsUrl, namespace);
});

const replay = async (
  runId: string,
  store: PrismaTradingStore | ReturnType<typeof outageTolerantStore>,
  onCycle?: (index: number) => void,
) =>
  runReplay({
    runId,
    symbols: SYMBOLS,
    mode: 'paper',
    pattern: 'sequential',
    from: FROM,
    to: TO,
    initialCash: INITIAL_CASH,
    agents: 'embedded',
    namespace,
    speed: 0,
    bus,
    store,
    provider: await dataFolderMarketData(),
    logger,
    ...(onCycle ? { onCycle: (_report, index) => onCycle(index) } : {}),
  });

describe('Postgres blip during a paper replay', () => {
  it('waits for the database and continues: the run completes with the uninterrupted book', async () => {
    const plainStore = new PrismaTradingStore(admin);
    const reference = uniqueName('blip_ref');
    await replay(reference, plainStore);

    const outages: string[] = [];
    const store = outageTolerantStore(new PrismaTradingStore(prisma), {
      onOutage: ({ operation }) => outages.push(operation),
    });
    const cuts: Promise<number>[] = [];
    const runId = uniqueName('blip');
    const outcome = await replay(runId, store, (index) => {
      if (index < CUT_FROM_CYCLE || cuts.length >= CUTS) return;
      // Not awaited: the cut lands while the next cycle is reading and writing.
      cuts.push(
        admin
          .$queryRawUnsafe<{ pg_terminate_backend: boolean }[]>(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
            applicationName,
          )
          .then((rows) => rows.filter((r) => r.pg_terminate_backend).length),
      );
    });
    const terminated = (await Promise.all(cuts)).reduce((a, b) => a + b, 0);
    expect(terminated).toBeGreaterThan(0);
    expect(outages.length).toBeGreaterThan(0);
    expect(outcome.reports).toHaveLength(CYCLES);
    expect(
      timelineDifferences(await runTimeline(plainStore, reference), await runTimeline(plainStore, runId)),
    ).toEqual([]);
    await expectRunReconciles(bus, plainStore, namespace, runId);
    console.log(
      `postgres-blip | ${terminated} connections terminated over ${CUTS} cuts; waited in ${outages.join(', ')}`,
    );
  });
});

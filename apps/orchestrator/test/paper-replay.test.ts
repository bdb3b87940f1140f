import type { OrchestrationPattern } from '@ats/agents';
import { type Bus, connectBus } from '@ats/bus';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { LocalCsvProvider } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import { testServices, uniqueName } from '@ats/tool-testing';
import { PrismaTradingStore } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReplay } from '../src/replay';
import { latencySummary } from '../src/report';
import { CYCLES, dropNamespace, expectRunReconciles, FROM, INITIAL_CASH, SYMBOLS, TO } from './support';

const logger = createLogger({ service: 'orchestrator-test', level: 'warn' });
const namespace = uniqueName('orch');
let bus: Bus;
let prisma: PrismaClient;
let store: PrismaTradingStore;

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  bus = await connectBus({ url: natsUrl, name: 'orchestrator-test', logger });
  prisma = createPrismaClient(databaseUrl);
  store = new PrismaTradingStore(prisma);
});
afterAll(async () => {
  await bus?.close();
  await prisma?.$disconnect();
  await dropNamespace(testServices().natsUrl, namespace);
});

describe.each<OrchestrationPattern>(['sequential', 'parallel', 'hierarchical'])(
  'paper replay, %s',
  (pattern) => {
    it(`runs ${CYCLES} cycles over 5 symbols and reconciles fills, ledger, Postgres and JetStream`, async () => {
      const runId = uniqueName(`paper_${pattern}`);
      const outcome = await runReplay({
        runId,
        symbols: SYMBOLS,
        mode: 'paper',
        pattern,
        from: FROM,
        to: TO,
        initialCash: INITIAL_CASH,
        agents: 'embedded',
        namespace,
        speed: 0,
        bus,
        store,
        provider: new LocalCsvProvider(),
        logger,
      });
      expect(outcome.reports).toHaveLength(CYCLES);
      expect(outcome.reports.every((r) => r.pattern === pattern && r.kind === 'completed')).toBe(true);
      const { fills, orders, state } = await expectRunReconciles(bus, store, namespace, runId);
      // The team trades in this window, so reconciliation is tested on real fills, not an empty book.
      expect(fills.length).toBeGreaterThan(3);
      expect(
        outcome.reports
          .flatMap((r) => r.fills)
          .map((f) => f.fillId)
          .sort(),
      ).toEqual(fills.map((f) => f.fillId).sort());
      // Only the last cycle's orders may still be open: there is no next bar for them yet.
      const lastCorrelation = outcome.reports.at(-1)?.correlationId;
      for (const o of state.openOrders) expect(o.order.correlationId).toBe(lastCorrelation);
      expect(orders.length).toBe(outcome.reports.reduce((n, r) => n + r.orders.length, 0));
      // Decisions of every cycle are stored under its correlation id.
      const decisions = await prisma.decision.groupBy({
        by: ['correlationId'],
        where: { runId },
        _count: true,
      });
      expect(decisions).toHaveLength(CYCLES);
      const latency = latencySummary(outcome.reports);
      console.log(JSON.stringify({ pattern, fills: fills.length, orders: orders.length, latency }));
    });
  },
);

import { type Bus, connectBus } from '@ats/bus';
import { ManualClock } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
import { testServices, uniqueName, within } from '@ats/tool-testing';
import { PrismaTradingStore } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycleChannels } from '../src/channels';
import { CycleMessages, CycleRunExchange } from '../src/cycle-messages';
import { type RunningOrchestrator, startOrchestratorService } from '../src/service';
import { dataFolderMarketData } from './market-data';
import { dropNamespace } from './support';

const logger = createLogger({ service: 'orchestrator-service-test', level: 'warn' });
const namespace = uniqueName('orchs');
let bus: Bus;
let prisma: PrismaClient;
let service: RunningOrchestrator;
const runId = uniqueName('live');

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  bus = await connectBus({ url: natsUrl, name: 'orchestrator-service-test', logger });
  prisma = createPrismaClient(databaseUrl);
  service = await startOrchestratorService({
    bus,
    store: new PrismaTradingStore(prisma),
    marketData: await dataFolderMarketData(),
    logger,
    clock: new ManualClock('2023-06-30T22:00:00Z'),
    runId,
    symbols: ['AAPL', 'MSFT'],
    pattern: 'sequential',
    agents: 'embedded',
    namespace,
    initialCash: 100_000,
  });
});
afterAll(async () => {
  await service?.stop();
  await bus?.close();
  await prisma?.$disconnect();
  await dropNamespace(testServices().natsUrl, namespace);
});

describe('cycle.run', () => {
  it('runs a live cycle on demand with the requested pattern and carries the caller correlation id', async () => {
    const correlationId = uniqueName('corr');
    const reply = await bus.request(
      cycleChannels(namespace).cycleRequest,
      CycleRunExchange.request,
      CycleRunExchange.reply,
      { symbols: ['NVDA', 'TSLA', 'AAPL'], pattern: 'hierarchical' },
      { timeoutMs: within(60_000), correlationId },
    );
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.data).toMatchObject({
      status: 'completed',
      runId,
      correlationId,
      // Decided at the close of the last bar up to the clock's date (30 June 2023).
      asOf: '2023-07-01T00:00:00.000Z',
    });
    // The reply is what the API's analyze answers: every decision with its reasoning, as stored.
    const replied = reply.data.decisions.map((d) => [d.agent, d.symbol]).sort();
    expect(replied).toEqual(
      ['NVDA', 'TSLA', 'AAPL']
        .flatMap((s) => [
          ['portfolio', s],
          ['technical', s],
        ])
        .sort(),
    );
    for (const d of reply.data.decisions) {
      expect(d.reasoning.length, `${d.agent} ${d.symbol}`).toBeGreaterThan(10);
      expect(d.correlationId).toBe(correlationId);
    }
    expect(reply.data.targets.map((t) => t.symbol).sort()).toEqual(['AAPL', 'NVDA', 'TSLA']);
    // Hierarchical: sentiment is consulted only for symbols with news (none offline): technical + portfolio each.
    const stored = await prisma.decision.groupBy({
      by: ['agent'],
      where: { runId, correlationId },
      _count: true,
    });
    expect(stored.map((g) => [g.agent, g._count]).sort()).toEqual([
      ['portfolio', 3],
      ['technical', 3],
    ]);
  });

  it('refuses to serve or request cycle.run with any other message types than the contract table', async () => {
    // The bug this guards: the orchestrator once answered cycle.run with a CycleEvent the gateway could not read.
    await expect(
      bus.serve(cycleChannels(namespace).cycleRequest, CycleRunExchange.request, CycleMessages.event, () => {
        throw new Error('never served');
      }),
    ).rejects.toThrow(
      /request\/reply mismatch on .*cycle\.run: expected RunCycleRequest@1 -> RunCycleResult@1/,
    );
  });
});

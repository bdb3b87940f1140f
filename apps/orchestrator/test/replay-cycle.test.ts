import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Bus, connectBus } from '@ats/bus';
import { ManualClock, RequestReplyContracts } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { createLogger } from '@ats/observability';
import { bundledEntry, testServices, uniqueName, within } from '@ats/tool-testing';
import { PrismaTradingStore } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycleChannels } from '../src/channels';
import { CycleNotRecordedError, compareDecisions, replayRecordedCycle } from '../src/replay-cycle';
import { type RunningOrchestrator, startOrchestratorService } from '../src/service';
import { dataFolderMarketData } from './market-data';
import { dropNamespace } from './support';

const REPLAY_CLI = fileURLToPath(new URL('../src/replay-cycle-cli.ts', import.meta.url));
const logger = createLogger({ service: 'orchestrator-replay-test', level: 'warn' });
const namespace = uniqueName('orchr');
let bus: Bus;
let prisma: PrismaClient;
let service: RunningOrchestrator;

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  bus = await connectBus({ url: natsUrl, name: 'orchestrator-replay-test', logger });
  prisma = createPrismaClient(databaseUrl);
  service = await startOrchestratorService({
    bus,
    store: new PrismaTradingStore(prisma),
    marketData: await dataFolderMarketData(),
    logger,
    clock: new ManualClock('2023-06-30T22:00:00Z'),
    runId: uniqueName('live'),
    symbols: ['AAPL', 'MSFT', 'NVDA'],
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

describe('replay of a recorded cycle', () => {
  it('re-runs the team on the context recorded in JetStream and finds the same decisions', async () => {
    const correlationId = uniqueName('replay');
    const reply = await bus.request(
      cycleChannels(namespace).cycleRequest,
      RequestReplyContracts.cycleRun.request,
      RequestReplyContracts.cycleRun.reply,
      { pattern: 'hierarchical' },
      { timeoutMs: within(60_000), correlationId },
    );
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;

    const replay = await replayRecordedCycle(bus, correlationId, { namespace });
    expect(replay).toMatchObject({
      correlationId,
      pattern: 'hierarchical',
      asOf: reply.data.asOf,
      identical: true,
      recorded: reply.data.decisions.length,
      replayed: reply.data.decisions.length,
      differences: [],
    });
    expect(replay.recorded).toBeGreaterThanOrEqual(6);

    // The command does the same from its own process (exit 0 = identical).
    const cli = spawnSync(
      process.execPath,
      [...bundledEntry(REPLAY_CLI), `--correlation-id=${correlationId}`, `--namespace=${namespace}`],
      { env: { ...process.env, NATS__URL: testServices().natsUrl, LOG_LEVEL: 'warn' }, encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({
      correlationId,
      identical: true,
      recorded: replay.recorded,
    });
    await expect(replayRecordedCycle(bus, uniqueName('never-ran'), { namespace })).rejects.toThrow(
      CycleNotRecordedError,
    );
  });

  it('reports each decision that differs', () => {
    const decision = {
      agent: 'technical' as const,
      symbol: 'AAPL',
      signal: 'BUY' as const,
      confidence: 0.7,
      reasoning: 'RSI 28',
      supportingData: {},
      ts: '2023-06-30T20:00:00.000Z',
      correlationId: 'replay-unit-0001',
    };
    expect(compareDecisions([decision], [decision])).toEqual([]);
    expect(compareDecisions([decision], [{ ...decision, confidence: 0.6 }])).toEqual([
      {
        agent: 'technical',
        symbol: 'AAPL',
        recorded: { signal: 'BUY', confidence: 0.7, reasoning: 'RSI 28' },
        replayed: { signal: 'BUY', confidence: 0.6, reasoning: 'RSI 28' },
      },
    ]);
    expect(compareDecisions([decision], [])).toHaveLength(1);
  });
});

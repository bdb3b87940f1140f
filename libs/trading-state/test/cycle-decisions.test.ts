import type { AgentDecision } from '@ats/contracts';
import { createPrismaClient, type PrismaClient, serviceDatabaseUrl } from '@ats/db';
import { testServices, uniqueName } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaTradingStore } from '../src/index';

/** The owner (reads the outcome), and the two services' own roles, with the grants they have in production. */
let prisma: PrismaClient;
let orchestratorDb: PrismaClient;
let agentDb: PrismaClient;

beforeAll(() => {
  const { databaseUrl } = testServices();
  prisma = createPrismaClient(databaseUrl);
  orchestratorDb = createPrismaClient(serviceDatabaseUrl(databaseUrl, 'orchestrator'));
  agentDb = createPrismaClient(serviceDatabaseUrl(databaseUrl, 'technical-agent'));
});
afterAll(async () => {
  await Promise.all([prisma?.$disconnect(), orchestratorDb?.$disconnect(), agentDb?.$disconnect()]);
});

const T0 = '2023-01-04T21:00:00.000Z';
const decision = (
  agent: AgentDecision['agent'],
  symbol: string,
  signal: AgentDecision['signal'],
  reasoning: string,
): AgentDecision => ({
  agent,
  symbol,
  signal,
  confidence: 0.6,
  reasoning,
  supportingData: { rsi: 42 },
  ts: T0,
});

/** What an agent service's PrismaDecisionSink writes: no run, the inputs summary with the horizon asked. */
async function recordLikeAgentSink(
  correlationId: string,
  decisions: readonly AgentDecision[],
  horizon: 'standard' | 'long' = 'standard',
) {
  await agentDb.decision.createMany({
    data: decisions.map((d) => ({
      runId: null,
      correlationId,
      agent: d.agent,
      symbol: d.symbol,
      signal: d.signal,
      confidence: d.confidence,
      reasoning: d.reasoning,
      supportingData: d.supportingData as object,
      inputs: { agent: d.agent, asOf: T0, horizon, bars: 60 },
      decidedAt: new Date(d.ts),
    })),
  });
}

async function newCycle(store: PrismaTradingStore) {
  const runId = uniqueName('decisions');
  await store.openRun({ runId, kind: 'paper', initialCash: 100_000, config: {}, startedAt: new Date(T0) });
  return { runId, correlationId: `${runId}:2023-01-04` };
}

const rowsOf = (correlationId: string) =>
  prisma.decision.findMany({ where: { correlationId }, orderBy: [{ symbol: 'asc' }, { agent: 'asc' }] });

describe('PrismaTradingStore.saveDecisions with agent services that record their own decisions', () => {
  const cycle = [
    decision('technical', 'AAPL', 'BUY', 'RSI turning up from 35'),
    decision('sentiment', 'AAPL', 'BUY', 'earnings beat in the headlines'),
    decision('portfolio', 'AAPL', 'BUY', 'both analysts agree'),
    decision('technical', 'MSFT', 'HOLD', 'no trend'),
  ];

  it('stores each decision once: the agent rows become the run’s with their inputs, and a re-save changes nothing', async () => {
    const store = new PrismaTradingStore(orchestratorDb);
    const { runId, correlationId } = await newCycle(store);
    // The portfolio manager runs in the orchestrator here: its decision has no agent row.
    await recordLikeAgentSink(
      correlationId,
      cycle.filter((d) => d.agent !== 'portfolio'),
    );

    await store.saveDecisions(runId, correlationId, cycle);
    const rows = await rowsOf(correlationId);
    expect(rows.map((r) => `${r.agent}|${r.symbol}`)).toEqual([
      'portfolio|AAPL',
      'sentiment|AAPL',
      'technical|AAPL',
      'technical|MSFT',
    ]);
    expect(rows.every((r) => r.runId === runId)).toBe(true);
    expect(rows.filter((r) => r.inputs !== null).map((r) => `${r.agent}|${r.symbol}`)).toEqual([
      'sentiment|AAPL',
      'technical|AAPL',
      'technical|MSFT',
    ]);

    await store.saveDecisions(runId, correlationId, cycle);
    const again = await rowsOf(correlationId);
    expect(again).toEqual(rows);
  });

  it('stores each field as given: exact doubles, nested JSON, the instant, the signal, in the order saved', async () => {
    const store = new PrismaTradingStore(orchestratorDb);
    const { runId, correlationId } = await newCycle(store);
    const supportingData = { rsi: 0.1 + 0.2, levels: [1, { at: 'x’y', none: null }], empty: {} };
    const saved = ['SELL', 'HOLD', 'BUY'].map((signal, i) => ({
      ...decision('technical', `S${i}`, signal as AgentDecision['signal'], `reason ${i} “quoted”`),
      confidence: (0.1 + 0.2) / (i + 1),
      supportingData,
      ts: `2023-01-0${i + 4}T21:00:00.123Z`,
    }));
    await store.saveDecisions(runId, correlationId, saved);
    const rows = await prisma.decision.findMany({
      where: { correlationId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    expect(
      rows.map((r) => ({
        agent: r.agent,
        symbol: r.symbol,
        signal: r.signal,
        confidence: r.confidence,
        reasoning: r.reasoning,
        supportingData: r.supportingData,
        ts: r.decidedAt.toISOString(),
      })),
    ).toEqual(
      saved.map(({ agent, symbol, signal, confidence, reasoning, supportingData, ts }) => ({
        agent,
        symbol,
        signal,
        confidence,
        reasoning,
        supportingData,
        ts,
      })),
    );
    expect(rows.every((r) => r.runId === runId && r.inputs === null)).toBe(true);
  });

  it('keeps the long-horizon re-ask apart: the decision is the re-ask’s row, the standard answer stays on record', async () => {
    const store = new PrismaTradingStore(orchestratorDb);
    const { runId, correlationId } = await newCycle(store);
    const standard = decision('technical', 'AAPL', 'SELL', 'overbought on the daily chart');
    const longer = decision('technical', 'AAPL', 'BUY', 'uptrend over two years');
    await recordLikeAgentSink(correlationId, [standard]);
    await recordLikeAgentSink(correlationId, [longer], 'long');

    await store.saveDecisions(runId, correlationId, [longer]);
    await store.saveDecisions(runId, correlationId, [longer]);
    const rows = await rowsOf(correlationId);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.runId === runId)).toBe(true);
    expect(rows.map((r) => [r.signal, (r.inputs as { horizon: string }).horizon]).sort()).toEqual([
      ['BUY', 'long'],
      ['SELL', 'standard'],
    ]);
  });

  it('a re-run cycle that decided otherwise rewrites the decision and keeps the agent’s inputs summary', async () => {
    const store = new PrismaTradingStore(orchestratorDb);
    const { runId, correlationId } = await newCycle(store);
    await recordLikeAgentSink(correlationId, [cycle[0] as AgentDecision]);
    await store.saveDecisions(runId, correlationId, [cycle[0] as AgentDecision]);
    const rerun = { ...(cycle[0] as AgentDecision), signal: 'HOLD' as const, reasoning: 'RSI flat at 50' };
    await store.saveDecisions(runId, correlationId, [rerun]);
    const rows = await rowsOf(correlationId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      runId,
      signal: 'HOLD',
      reasoning: 'RSI flat at 50',
      inputs: { horizon: 'standard' },
    });
  });

  it('without agent rows (the embedded team) stores every decision, once however often it is saved', async () => {
    const store = new PrismaTradingStore(orchestratorDb);
    const { runId, correlationId } = await newCycle(store);
    await store.saveDecisions(runId, correlationId, cycle);
    await store.saveDecisions(runId, correlationId, cycle.slice(0, 3));
    const rows = await rowsOf(correlationId);
    expect(rows.map((r) => `${r.agent}|${r.symbol}|${r.runId === runId}`)).toEqual([
      'portfolio|AAPL|true',
      'sentiment|AAPL|true',
      'technical|AAPL|true',
    ]);
  });

  it('leaves rows another run recorded under the same correlation id alone', async () => {
    const store = new PrismaTradingStore(orchestratorDb);
    const first = await newCycle(store);
    const second = await newCycle(store);
    const shared = uniqueName('shared-correlation');
    await store.saveDecisions(first.runId, shared, cycle.slice(0, 1));
    await store.saveDecisions(second.runId, shared, cycle.slice(0, 1));
    const rows = await rowsOf(shared);
    expect(rows.map((r) => r.runId).sort()).toEqual([first.runId, second.runId].sort());
  });
});

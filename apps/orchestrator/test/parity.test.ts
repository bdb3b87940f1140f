/**
 * Parity: a paper run (orchestrator → cycle core → paper broker, Postgres and JetStream) and a backtest (engine →
 * the same cycle core → simulated venue) over the same six months, symbols and settings trade alike: the same
 * decisions, orders and fills, compared as canonical JSON, with the agents in this process and over NATS.
 */
import {
  agentRpcSubjects,
  agentRpcTopology,
  remoteAgentTeam,
  type ServedAgent,
  serveAgent,
} from '@ats/agent-rpc';
import {
  type OrchestrationPattern,
  PortfolioManagerAgent,
  RiskManagerAgent,
  SentimentAgent,
  TechnicalAgent,
} from '@ats/agents';
import {
  type AgentTeamStrategyOptions,
  agentTeamStrategy,
  type BacktestResult,
  BarFeed,
  DEFAULT_COMMISSION,
  DEFAULT_SLIPPAGE,
  runBacktest,
  type SlippageConfig,
} from '@ats/backtest';
import { type Bus, connectBus } from '@ats/bus';
import { loadConfig } from '@ats/config';
import type { Bar } from '@ats/contracts';
import { createPrismaClient, type PrismaClient } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { LocalCsvProvider } from '@ats/market-data';
import { createLogger } from '@ats/observability';
import { dataFolderPath, testServices, uniqueName, within } from '@ats/tool-testing';
import { PrismaTradingStore } from '@ats/trading-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplayOutcome, runReplay } from '../src/replay';
import { latencySummary } from '../src/report';
import { loadReplayDays } from '../src/trading-days';
import { dropNamespace, INITIAL_CASH, SYMBOLS } from './support';

const FROM = '2023-01-03';
const TO = '2023-06-30';
const PATTERN: OrchestrationPattern = 'sequential';
/** Six months of cycles, twice (paper and backtest): about 10 s embedded and 40 s over NATS on a quiet machine. */
const PARITY_TIMEOUT_MS = 300_000;
/** k × mean (high − low) / close of the 14 bars before each fill: both paths must stream the same statistics. */
const VOLATILITY_SLIPPAGE: SlippageConfig = { kind: 'volatility', k: 0.05 };
const logger = createLogger({ service: 'orchestrator-parity-test', level: 'warn' });
const namespace = uniqueName('parity');
const provider = () => new LocalCsvProvider({ path: dataFolderPath('ohlcv') });
/** Both paths see the same point-in-time evidence (headlines, tweets, Fear & Greed, Form 4) from the data folder. */
const evidence = evidenceSourceFromConfig(
  loadConfig({ env: { DATA__DIR: dataFolderPath() }, envFile: null }),
);
let bus: Bus;
let prisma: PrismaClient;
let store: PrismaTradingStore;

beforeAll(async () => {
  const { natsUrl, databaseUrl } = testServices();
  bus = await connectBus({ url: natsUrl, name: 'orchestrator-parity-test', logger });
  prisma = createPrismaClient(databaseUrl);
  store = new PrismaTradingStore(prisma);
});
afterAll(async () => {
  await bus?.close();
  await prisma?.$disconnect();
  await dropNamespace(testServices().natsUrl, namespace);
});

/** What both paths must agree on, per trading day, in the order each produced it. */
interface Trading {
  readonly decisions: { bar: string; agent: string; symbol: string; signal: string; confidence: number }[];
  readonly orders: { symbol: string; side: string; quantity: number; submittedAt: string }[];
  readonly fills: {
    symbol: string;
    side: string;
    quantity: number;
    price: number;
    commission: number;
    filledAt: string;
  }[];
  /** Cash and equity at each decision close. */
  readonly marks: { bar: string; cash: number; equity: number }[];
}

function paperTrading(outcome: ReplayOutcome): Trading {
  return {
    decisions: outcome.reports.flatMap((r) =>
      r.decisions.map((d) => ({
        bar: r.barTs,
        agent: d.agent,
        symbol: d.symbol,
        signal: d.signal,
        confidence: d.confidence,
      })),
    ),
    orders: outcome.reports.flatMap((r) =>
      r.orders.map((o) => ({
        symbol: o.symbol,
        side: o.side,
        quantity: o.quantity,
        submittedAt: o.submittedAt,
      })),
    ),
    fills: outcome.reports.flatMap((r) => r.fills.map(fillView)),
    marks: outcome.reports.map((r) => ({ bar: r.barTs, cash: r.cash, equity: r.equity })),
  };
}

function backtestTrading(result: BacktestResult): Trading {
  return {
    decisions: result.decisions.flatMap((d) =>
      d.signals.map((s) => ({
        bar: d.ts,
        agent: s.agent,
        symbol: s.symbol,
        signal: s.signal,
        confidence: s.confidence,
      })),
    ),
    orders: result.orders.map((o) => ({
      symbol: o.symbol,
      side: o.side,
      quantity: o.quantity,
      submittedAt: o.submittedAt,
    })),
    fills: result.fills.map(fillView),
    // The first point is the base close before the first trading day (no decision there).
    marks: result.equityCurve.slice(1).map((p) => ({ bar: p.ts, cash: p.cash, equity: p.equity })),
  };
}

const fillView = (f: BacktestResult['fills'][number]) => ({
  symbol: f.symbol,
  side: f.side,
  quantity: f.quantity,
  price: f.price,
  commission: f.commission,
  filledAt: f.filledAt,
});

/** Keys sorted at every level: equal text means equal values, numbers to the last bit. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** The backtest of the replay's window on the very bars the replay reads, warm-up included. */
async function backtest(
  slippage: SlippageConfig,
  agents?: AgentTeamStrategyOptions['agents'],
): Promise<BacktestResult> {
  const days = await loadReplayDays(provider(), SYMBOLS, FROM, TO);
  const bars = new Map<string, Bar[]>(SYMBOLS.map((s) => [s, []]));
  for (const day of [...days.warmup, ...days.replay])
    for (const [symbol, bar] of day.bars) bars.get(symbol)?.push(bar);
  return runBacktest({
    feed: BarFeed.fromBars(bars),
    strategy: agentTeamStrategy({ team: { pattern: PATTERN }, evidence, ...(agents ? { agents } : {}) }),
    config: {
      runId: uniqueName('bt-parity'),
      initialCash: INITIAL_CASH,
      rebalance: 'daily',
      commission: DEFAULT_COMMISSION,
      slippage,
      tradeFrom: `${FROM}T00:00:00.000Z`,
      // The paper broker books no dividends: price-only on both sides.
      creditDividends: false,
    },
  });
}

function paper(agents: 'embedded' | 'remote', slippage: SlippageConfig): Promise<ReplayOutcome> {
  return runReplay({
    runId: uniqueName(`parity_${agents}`),
    symbols: SYMBOLS,
    mode: 'paper',
    pattern: PATTERN,
    from: FROM,
    to: TO,
    initialCash: INITIAL_CASH,
    commission: DEFAULT_COMMISSION,
    slippage,
    agents,
    namespace,
    speed: 0,
    bus,
    store,
    provider: provider(),
    evidence,
    logger,
  });
}

function expectParity(paperRun: ReplayOutcome, backtestRun: BacktestResult): Trading {
  const a = paperTrading(paperRun);
  const b = backtestTrading(backtestRun);
  // Six months of daily cycles, and the team trades in them: parity is tested on real orders and fills.
  expect(a.marks.length).toBeGreaterThan(120);
  expect(a.fills.length).toBeGreaterThan(10);
  // The sentiment agent acts on the evidence on both paths (not only HOLD for lack of news).
  const sentimentViews = a.decisions.filter((d) => d.agent === 'sentiment' && d.signal !== 'HOLD');
  expect(sentimentViews.length).toBeGreaterThan(20);
  // Field by field first, so a failure says which part drifted; then the whole canonical text.
  expect(a.decisions).toEqual(b.decisions);
  expect(a.orders).toEqual(b.orders);
  expect(a.fills).toEqual(b.fills);
  expect(a.marks).toEqual(b.marks);
  expect(canonicalJson(a)).toBe(canonicalJson(b));
  return a;
}

describe('parity of paper trading and backtest, 5 symbols, 2023-01-03..2023-06-30', () => {
  it('embedded agents, volatility slippage: identical decisions, orders, fills and marks', {
    timeout: within(PARITY_TIMEOUT_MS),
  }, async () => {
    const [paperRun, backtestRun] = await Promise.all([
      paper('embedded', VOLATILITY_SLIPPAGE),
      backtest(VOLATILITY_SLIPPAGE),
    ]);
    const trading = expectParity(paperRun, backtestRun);
    console.log(
      JSON.stringify({
        mode: 'embedded',
        cycles: trading.marks.length,
        decisions: trading.decisions.length,
        orders: trading.orders.length,
        fills: trading.fills.length,
        finalEquity: trading.marks.at(-1)?.equity,
      }),
    );
  });

  describe('remote agents over NATS', () => {
    const served: ServedAgent[] = [];
    let agentBus: Bus;
    const subjects = agentRpcSubjects(namespace);
    beforeAll(async () => {
      agentBus = await connectBus({ url: testServices().natsUrl, name: 'parity-agents', logger });
      await agentBus.ensureTopology(agentRpcTopology(subjects));
      served.push(await serveAgent(agentBus, 'technical', new TechnicalAgent(), { logger, subjects }));
      served.push(await serveAgent(agentBus, 'sentiment', new SentimentAgent(), { logger, subjects }));
      served.push(await serveAgent(agentBus, 'risk', new RiskManagerAgent(), { logger, subjects }));
      served.push(await serveAgent(agentBus, 'portfolio', new PortfolioManagerAgent(), { logger, subjects }));
    });
    afterAll(async () => {
      for (const s of served) await s.close();
      await agentBus?.close();
    });

    it('default costs (5 bp slippage): identical decisions, orders, fills and marks', {
      timeout: within(PARITY_TIMEOUT_MS),
    }, async () => {
      const [paperRun, backtestRun] = await Promise.all([
        paper('remote', DEFAULT_SLIPPAGE),
        backtest(DEFAULT_SLIPPAGE, remoteAgentTeam(bus, { subjects })),
      ]);
      const remote = expectParity(paperRun, backtestRun);
      const latency = latencySummary(paperRun.reports);
      console.log(
        JSON.stringify({ mode: 'remote', cycles: remote.marks.length, fills: remote.fills.length, latency }),
      );
    });
  });
});

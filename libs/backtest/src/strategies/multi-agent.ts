import type {
  AgentDecision,
  Bar,
  MarketSnapshot,
  NewsItem,
  PortfolioState,
  RiskAssessment,
  Timeframe,
} from '@ats/contracts';
import type { MarketView } from '../market-view';
import { type LlmUsage, NO_LLM_USAGE, type SignalRecord, type TargetRecord } from '../result';
import type { Strategy, StrategyContext } from '../strategy';

/*
 * The slice of the @ats/agents API this adapter calls (see the agreed API), declared structurally so the engine
 * does not depend on the agents' internals; `createAgentTeam(...)` and `SymbolFeed` from @ats/agents satisfy it.
 */

export interface AgentDecisionContext {
  readonly asOf: string;
  readonly correlationId: string;
  readonly snapshots: readonly MarketSnapshot[];
  readonly news: readonly NewsItem[];
  readonly portfolio: PortfolioState;
  readonly equityHistory?: readonly number[];
}

export interface AgentTargetPosition {
  readonly symbol: string;
  readonly targetWeight: number;
  readonly score: number;
  readonly reasoning: string;
}

export interface AgentCycleOutcome {
  readonly decisions: readonly AgentDecision[];
  readonly risk: RiskAssessment;
  readonly targets: readonly AgentTargetPosition[];
  readonly degraded: readonly { readonly agent: string; readonly reason: string }[];
}

export interface AgentTeamPort {
  runCycle(ctx: AgentDecisionContext): Promise<AgentCycleOutcome>;
}

/** Per-symbol incremental snapshot source (e.g. @ats/agents SymbolFeed): one push per bar, O(1) amortised. */
export interface SnapshotSource {
  push(bar: Bar): void;
  snapshot(options: { asOf?: string; news?: readonly NewsItem[] }): MarketSnapshot;
}

export interface MultiAgentStrategyOptions {
  readonly team: AgentTeamPort;
  /** Creates the snapshot source of one symbol (indicators streamed bar by bar, bounded history). */
  readonly createSnapshotSource: (symbol: string) => SnapshotSource;
  /** All news of the run; the strategy passes only items published at or before each decision time. */
  readonly news?: readonly NewsItem[];
  /** Days of news handed to each cycle (older items are dropped). */
  readonly newsWindowDays?: number;
  /** Skip a symbol's trade when its weight would move by less than this (avoids churning odd shares). */
  readonly minWeightChange?: number;
  /** Cumulative LLM usage of the team (an offline reasoner reports none). */
  readonly usage?: () => LlmUsage;
  /** Keep each agent's reasoning text in the decision log (large runs may turn it off to save memory). */
  readonly recordReasoning?: boolean;
  /** Describes the team in the result's config (weights, pattern...). */
  readonly teamDescription?: Record<string, unknown>;
}

export const DEFAULT_NEWS_WINDOW_DAYS = 7;
/** Half a percent of equity: below that, rebalancing costs more in commission than it corrects. */
export const DEFAULT_MIN_WEIGHT_CHANGE = 0.005;

const MS_PER_DAY = 86_400_000;
const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '1d': MS_PER_DAY,
};

/**
 * Runs the agent team at each rebalance time on point-in-time snapshots (bars up to the decision close, news
 * published by then, the portfolio marked at that close) and trades from the current holdings to the team's
 * target weights in whole shares. Symbols the team gives no target are sold.
 */
export function multiAgentStrategy(options: MultiAgentStrategyOptions): Strategy {
  const newsWindowMs = (options.newsWindowDays ?? DEFAULT_NEWS_WINDOW_DAYS) * MS_PER_DAY;
  const minWeightChange = options.minWeightChange ?? DEFAULT_MIN_WEIGHT_CHANGE;
  const recordReasoning = options.recordReasoning ?? true;
  const news = [...(options.news ?? [])].sort(
    (a, b) =>
      Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const newsTimes = news.map((n) => Date.parse(n.publishedAt));
  let sources: SnapshotSource[] = [];
  const equityHistory: number[] = [];
  let barMs = MS_PER_DAY;
  return {
    description: {
      name: 'multi-agent',
      params: {
        team: options.teamDescription ?? {},
        newsWindowDays: options.newsWindowDays ?? DEFAULT_NEWS_WINDOW_DAYS,
        minWeightChange,
        newsItems: news.length,
      },
    },
    start(view: MarketView) {
      sources = view.symbols.map((symbol) => options.createSnapshotSource(symbol));
      barMs = TIMEFRAME_MS[view.metadata.timeframe];
    },
    onStep(view: MarketView) {
      for (let k = 0; k < view.printedCount; k++) {
        const i = view.printedSymbol(k);
        (sources[i] as SnapshotSource).push(view.bar(i));
      }
    },
    async decide(ctx: StrategyContext) {
      const { view } = ctx;
      // The decision is taken at the close of bar t: its open time plus one bar.
      const asOfMs = Date.parse(view.asOf) + barMs;
      const asOf = new Date(asOfMs).toISOString();
      equityHistory.push(ctx.portfolio.equity);
      const visibleNews = newsBetween(news, newsTimes, asOfMs - newsWindowMs, asOfMs);
      const snapshots: MarketSnapshot[] = [];
      for (let i = 0; i < sources.length; i++) {
        if (view.barCount(i) === 0) continue;
        snapshots.push((sources[i] as SnapshotSource).snapshot({ asOf, news: visibleNews }));
      }
      if (snapshots.length === 0) return;
      const portfolio = { ...ctx.portfolio.state(), asOf };
      const outcome = await options.team.runCycle({
        asOf,
        correlationId: ctx.correlationId,
        snapshots,
        news: visibleNews,
        portfolio,
        equityHistory,
      });
      const signals: SignalRecord[] = outcome.decisions.map((d) => {
        const record: SignalRecord = {
          symbol: d.symbol,
          agent: d.agent,
          signal: d.signal,
          confidence: d.confidence,
        };
        if (recordReasoning) record.reasoning = d.reasoning;
        return record;
      });
      const targets: TargetRecord[] = outcome.targets.map((t) => {
        const record: TargetRecord = { symbol: t.symbol, targetWeight: t.targetWeight, score: t.score };
        if (recordReasoning) record.reasoning = t.reasoning;
        return record;
      });
      const degraded = outcome.degraded.map((d) => `${d.agent}: ${d.reason}`).join('; ');
      ctx.recordDecision(
        degraded ? { signals, targets, note: `degraded: ${degraded}` } : { signals, targets },
      );
      const wanted = new Map<string, number>();
      for (const t of outcome.targets) wanted.set(t.symbol, t.targetWeight);
      const equity = ctx.portfolio.equity;
      const moves = new Map<string, number>();
      for (let i = 0; i < view.symbols.length; i++) {
        const symbol = view.symbols[i] as string;
        const held = ctx.portfolio.quantity(symbol);
        if (view.barCount(i) === 0 || (held === 0 && !wanted.has(symbol))) continue;
        const target = wanted.get(symbol) ?? 0;
        const current = equity > 0 ? (held * view.close(i)) / equity : 0;
        // Exits always go through; small resizes are skipped.
        if ((target === 0 && held !== 0) || Math.abs(target - current) >= minWeightChange)
          moves.set(symbol, target);
      }
      if (moves.size > 0) ctx.rebalanceToWeights(moves, 'multi-agent target weights');
    },
    llmUsage: () => options.usage?.() ?? { ...NO_LLM_USAGE },
  };
}

/** News published in (fromMs, toMs], oldest first, by binary search on the sorted publication times. */
function newsBetween(
  news: readonly NewsItem[],
  times: readonly number[],
  fromMs: number,
  toMs: number,
): NewsItem[] {
  const lo = upperBound(times, fromMs);
  const hi = upperBound(times, toMs);
  return lo >= hi ? [] : news.slice(lo, hi);
}

function upperBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

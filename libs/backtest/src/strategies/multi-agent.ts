import type { DecisionContext } from '@ats/agents';
import type { NewsItem, Timeframe } from '@ats/contracts';
import {
  CycleCore,
  type CycleTeam,
  type EvidencePort,
  type SnapshotSource,
  type TeamOutcome,
} from '@ats/cycle';
import { DEFAULT_MIN_WEIGHT_CHANGE, GAP_ALLOWANCE } from '@ats/execution';
import type { MarketView } from '../market-view';
import { type LlmUsage, NO_LLM_USAGE, type SignalRecord, type TargetRecord } from '../result';
import type { Strategy, StrategyContext } from '../strategy';

/** The team port of the cycle core, under the names this strategy has always used. */
export type AgentTeamPort = CycleTeam;
export type AgentDecisionContext = DecisionContext;
export type AgentCycleOutcome = TeamOutcome;
export type { SnapshotSource };

export interface MultiAgentStrategyOptions {
  /** The agent team (@ats/agents createAgentTeam, or stand-ins with the same runCycle). */
  readonly team: CycleTeam;
  /** Creates the snapshot source of one symbol (indicators streamed bar by bar, bounded history). */
  readonly createSnapshotSource: (symbol: string) => SnapshotSource;
  /** All news of the run; the strategy passes only items published at or before each decision time. */
  readonly news?: readonly NewsItem[];
  /** Days of news handed to each cycle (older items are dropped). */
  readonly newsWindowDays?: number;
  /** Evidence of the five sentiment sources at each decision time (ctx.evidence); default none. */
  readonly evidence?: EvidencePort;
  /** Skip a symbol's trade when its weight would move by less than this (avoids churning odd shares). */
  readonly minWeightChange?: number;
  /** Fraction of each buy held back for an overnight gap (default GAP_ALLOWANCE, as the paper path). */
  readonly gapAllowance?: number;
  /**
   * The run's unique id, for the team's correlation ids (`<runId>@<bar time>`: agent RPC, audit rows). Default the
   * engine's run id. Left out of the result, which stays the same for the same inputs.
   */
  readonly runId?: string;
  /** Cumulative LLM usage of the team (an offline reasoner reports none). */
  readonly usage?: () => LlmUsage;
  /** Keep each agent's reasoning text in the decision log (large runs may turn it off to save memory). */
  readonly recordReasoning?: boolean;
  /** Describes the team in the result's config (weights, pattern...). */
  readonly teamDescription?: Record<string, unknown>;
}

export const DEFAULT_NEWS_WINDOW_DAYS = 7;

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
 * The agent team as a backtest strategy, through the same cycle core (@ats/cycle) as the paper and live paths: at
 * each rebalance time the core decides on point-in-time snapshots (bars up to the decision close, news published
 * by then, the portfolio marked at that close), sizes the targets with @ats/execution's model on the engine's book
 * and queues the orders, submitted at the decision close, for the next bar's open. Symbols held without a target
 * are sold.
 */
export function multiAgentStrategy(options: MultiAgentStrategyOptions): Strategy {
  const newsWindowMs = (options.newsWindowDays ?? DEFAULT_NEWS_WINDOW_DAYS) * MS_PER_DAY;
  const minWeightChange = options.minWeightChange ?? DEFAULT_MIN_WEIGHT_CHANGE;
  const gapAllowance = options.gapAllowance ?? GAP_ALLOWANCE;
  const recordReasoning = options.recordReasoning ?? true;
  const news = [...(options.news ?? [])].sort(
    (a, b) =>
      Date.parse(a.publishedAt) - Date.parse(b.publishedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const newsTimes = news.map((n) => Date.parse(n.publishedAt));
  let core: CycleCore | undefined;
  let barMs = MS_PER_DAY;
  return {
    description: {
      name: 'multi-agent',
      params: {
        team: options.teamDescription ?? {},
        newsWindowDays: options.newsWindowDays ?? DEFAULT_NEWS_WINDOW_DAYS,
        minWeightChange,
        gapAllowance,
        newsItems: news.length,
        // Only when on: results of runs without evidence stay byte-identical to before it existed.
        ...(options.evidence
          ? { evidence: 'point-in-time sentiment sources (news, social, mood, insider, 13F)' }
          : {}),
      },
    },
    start(view: MarketView) {
      barMs = TIMEFRAME_MS[view.metadata.timeframe];
      core = new CycleCore({
        symbols: view.symbols,
        createSnapshotSource: options.createSnapshotSource,
        policy: { minWeightChange, gapAllowance },
        ...(options.evidence ? { evidence: options.evidence } : {}),
      });
    },
    onStep(view: MarketView) {
      if (core === undefined) return;
      for (let k = 0; k < view.printedCount; k++) {
        const i = view.printedSymbol(k);
        core.push(view.symbols[i] as string, view.bar(i));
      }
    },
    async decide(ctx: StrategyContext) {
      const cycle = core as CycleCore;
      // The decision is taken at the close of bar t: its open time plus one bar.
      const asOfMs = Date.parse(ctx.view.asOf) + barMs;
      const asOf = new Date(asOfMs).toISOString();
      const result = await cycle.run({
        asOf,
        correlationId: options.runId === undefined ? ctx.correlationId : `${options.runId}@${ctx.asOf}`,
        team: options.team,
        portfolio: { ...ctx.portfolio.state(), asOf },
        // The team formats no reasoning this run will not keep.
        ...(recordReasoning ? {} : { explain: false }),
        ...(options.evidence && news.length === 0
          ? {}
          : { news: newsBetween(news, newsTimes, asOfMs - newsWindowMs, asOfMs) }),
        venue: {
          limits: ctx.limits,
          commission: ctx.commission,
          book: () => ctx.book,
          place: (sized) => void ctx.placeSized(sized, asOf),
        },
      });
      if (result === undefined) return;
      const { outcome } = result;
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

import type { AgentDecision, MarketSnapshot, Position, Signal, TickerSymbol } from '@ats/contracts';
import { DEFAULT_AGENT_CONFIGS } from '../config';
import { num, pct, round, signed } from '../format';
import { decideWithLlm, OFFLINE_REASONER, type Reasoner } from '../llm';
import type { RiskReport } from '../risk/risk-manager';
import { clamp } from '../stats';
import type { AgentConfig, DecisionContext, DegradedAgent, TargetPosition } from '../types';
import type { AdaptiveConsensusWeights } from './adaptive-weights';

export interface ConsensusWeights {
  readonly technical: number;
  readonly sentiment: number;
}

export const DEFAULT_CONSENSUS_WEIGHTS: ConsensusWeights = { technical: 0.6, sentiment: 0.4 };

export interface PortfolioConfig {
  /** Most symbols held at once. */
  readonly maxPositions: number;
  /** A change smaller than this (fraction of equity) is not traded, to avoid churn; exits always trade. */
  readonly minTradeWeight: number;
  /** Equity kept in cash; targets sum to at most 1 − cashBuffer (no leverage). */
  readonly cashBuffer: number;
  /** Consensus score at or above which a symbol is bought, at or below which it is exited. */
  readonly entryScore: number;
  readonly exitScore: number;
  /** Consensus at which a position gets its full risk-allowed weight (linear below). */
  readonly fullSizeScore: number;
  /** Technical and sentiment with opposite signals both at least this confident: strong conflict → hold. */
  readonly conflictMinConfidence: number;
  /** Weaker conflicts scale the consensus by this. */
  readonly conflictDamping: number;
  /** Stops: 'atr' uses multiples of ATR14 from the average entry price (falls back to percent without ATR). */
  readonly stopMode: 'atr' | 'percent';
  readonly stopLossAtr: number;
  readonly takeProfitAtr: number;
  readonly stopLossPct: number;
  readonly takeProfitPct: number;
  /** Confidence multiplier when an agent of the cycle was degraded (failed, timed out, LLM fallback). */
  readonly degradedConfidenceFactor: number;
}

export const DEFAULT_PORTFOLIO_CONFIG: PortfolioConfig = {
  maxPositions: 5,
  minTradeWeight: 0.02,
  cashBuffer: 0.02,
  entryScore: 0.15,
  exitScore: -0.15,
  fullSizeScore: 0.5,
  conflictMinConfidence: 0.5,
  conflictDamping: 0.5,
  stopMode: 'atr',
  stopLossAtr: 3,
  takeProfitAtr: 8,
  stopLossPct: 0.1,
  takeProfitPct: 0.3,
  degradedConfidenceFactor: 0.5,
};

export interface PortfolioRequest {
  readonly ctx: DecisionContext;
  /** Technical and sentiment decisions (sentiment may be missing for a symbol: counted as no view). */
  readonly decisions: readonly AgentDecision[];
  readonly risk: RiskReport;
  /** Agents degraded earlier in the cycle: lowers the portfolio decisions' confidence. */
  readonly degraded: readonly DegradedAgent[];
}

export interface PortfolioPlan {
  readonly decisions: AgentDecision[];
  readonly targets: TargetPosition[];
  readonly degraded?: string;
}

export interface PortfolioAgent {
  readonly config: AgentConfig;
  analyze(request: PortfolioRequest): Promise<PortfolioPlan>;
}

export const PORTFOLIO_SYSTEM_PROMPT = `You are the portfolio manager of a long-only equity trading team. You receive,
per symbol, the rule-based target weight and trade (BUY = increase, SELL = decrease, HOLD = keep) with the analysts'
consensus, conflicts, risk limits and stop levels. You may confirm a trade or make it more cautious: HOLD keeps the
current weight (never above the rule target), SELL exits. Cite the numbers behind each decision.`;

/** Per-symbol working state while the plan is built. */
interface Line {
  readonly snapshot: MarketSnapshot;
  readonly current: number;
  readonly maxWeight: number;
  score: number;
  confidence: number;
  target: number;
  forcedExit: boolean;
  /** Formatted when the reasoning is (ctx.explain); each captures the figures of its moment (targets change later). */
  readonly notes: (() => string)[];
}

const direction = (s: Signal | undefined) => (s === 'BUY' ? 1 : s === 'SELL' ? -1 : 0);

/**
 * Portfolio manager: weighted consensus (weight × confidence × direction) of the analysts, conflict handling, target
 * weights within the risk manager's limits and vetoes, stops and take-profits, max positions, churn threshold, cash.
 */
export class PortfolioManagerAgent implements PortfolioAgent {
  readonly portfolioConfig: PortfolioConfig;
  readonly weights: ConsensusWeights;

  constructor(
    portfolioConfig: Partial<PortfolioConfig> = {},
    weights: ConsensusWeights = DEFAULT_CONSENSUS_WEIGHTS,
    readonly config: AgentConfig = DEFAULT_AGENT_CONFIGS.portfolio,
    private readonly reasoner: Reasoner = OFFLINE_REASONER,
    /** Point-in-time weights from the analysts' realised calibration; absent = the static `weights`. */
    readonly adaptive?: AdaptiveConsensusWeights,
  ) {
    this.portfolioConfig = { ...DEFAULT_PORTFOLIO_CONFIG, ...portfolioConfig };
    this.weights = weights;
  }

  /** True when this agent reasons by rules only: the team may call `decide` synchronously. */
  get offline(): boolean {
    return this.reasoner.kind === 'offline';
  }

  /**
   * The plan in named steps: each symbol's consensus line, the entry/exit rules (stops, vetoes), the position cap,
   * the churn threshold, the cash budget, then the decisions and targets.
   */
  decide(request: PortfolioRequest): PortfolioPlan {
    const { ctx, risk } = request;
    const cfg = this.portfolioConfig;
    const vetoes = new Map(risk.assessment.vetoes.map((v) => [v.symbol, v.reason]));
    const positions = new Map(ctx.portfolio.positions.map((p) => [p.symbol, p]));
    const weights = this.adaptive ? this.adaptive.weightsFor(ctx, request.decisions) : this.weights;
    const lines = consensusLines(request, weights, positions, cfg);
    this.#applyEntryExitRules(lines, positions, vetoes);
    capPositions(lines, cfg);
    skipSmallChanges(lines, cfg);
    fitCashBudget(lines, cfg);
    return planOf(lines, ctx, request.degraded, vetoes, cfg);
  }

  /** Stops and take-profits first; then entry (sized by the consensus, unless vetoed), exit, or keep within the risk max. */
  #applyEntryExitRules(
    lines: readonly Line[],
    positions: ReadonlyMap<string, Position>,
    vetoes: ReadonlyMap<string, string>,
  ): void {
    const cfg = this.portfolioConfig;
    for (const line of lines) {
      const symbol = line.snapshot.symbol;
      const position = positions.get(symbol);
      const stop =
        position && position.quantity > 0 ? this.#stopCheck(line.snapshot, position.averagePrice) : undefined;
      if (stop) {
        line.target = 0;
        line.forcedExit = true;
        line.notes.push(() => stop);
        continue;
      }
      const veto = vetoes.get(symbol);
      if (line.score >= cfg.entryScore) {
        const sized = line.maxWeight * Math.min(1, line.score / cfg.fullSizeScore);
        if (veto) {
          line.target = Math.min(line.current, line.maxWeight);
          line.notes.push(() => `buy signal but vetoed by risk (${veto}): no adds`);
        } else {
          line.target = Math.max(sized, Math.min(line.current, line.maxWeight));
          const { target, maxWeight, score } = line;
          line.notes.push(
            () =>
              `consensus >= entry ${signed(cfg.entryScore)}: target ${pct(target)} (risk max ${pct(maxWeight)} × min(1, ${num(score)}/${num(cfg.fullSizeScore)}))`,
          );
        }
      } else if (line.score <= cfg.exitScore) {
        line.target = 0;
        line.forcedExit = true;
        line.notes.push(() => `consensus <= exit ${signed(cfg.exitScore)}: exit (long-only)`);
      } else {
        line.target = Math.min(line.current, line.maxWeight);
        const { target, current, maxWeight } = line;
        line.notes.push(
          () =>
            `consensus inside (${signed(cfg.exitScore)}, ${signed(cfg.entryScore)}): keep ${pct(target)}${current > maxWeight + 1e-9 ? ` (trimmed to risk max ${pct(maxWeight)})` : ''}`,
        );
        if (veto) line.notes.push(() => `risk veto: ${veto}`);
      }
    }
  }

  async analyze(request: PortfolioRequest): Promise<PortfolioPlan> {
    const plan = this.decide(request);
    if (this.reasoner.kind === 'offline' || plan.decisions.length === 0) return plan;
    const answer = await decideWithLlm(
      this.reasoner.client,
      this.config,
      PORTFOLIO_SYSTEM_PROMPT,
      plan.decisions,
      {
        asOf: request.ctx.asOf,
        risk: { reasoning: request.risk.assessment.reasoning, vetoes: request.risk.assessment.vetoes },
      },
    );
    if (answer.degraded) return { ...plan, decisions: answer.decisions, degraded: answer.degraded };
    // The model may only make the plan more cautious: SELL exits, HOLD keeps at most the current weight.
    const targets = plan.targets.map((t, i) => {
      const llm = answer.decisions[i] as AgentDecision;
      const current = (plan.decisions[i]?.supportingData.currentWeight as number) ?? 0;
      const targetWeight =
        llm.signal === 'SELL'
          ? 0
          : llm.signal === 'HOLD'
            ? Math.min(t.targetWeight, current)
            : t.targetWeight;
      return { ...t, targetWeight, reasoning: `${llm.reasoning} [rules: ${t.reasoning}]` };
    });
    return { decisions: answer.decisions, targets };
  }

  /** Stop-loss / take-profit of a long position from its average entry price. */
  #stopCheck(snapshot: MarketSnapshot, entry: number): string | undefined {
    const cfg = this.portfolioConfig;
    const price = snapshot.price;
    const atr = snapshot.indicators.atr14;
    if (!(entry > 0)) return undefined;
    if (cfg.stopMode === 'atr' && atr !== null && atr !== undefined && atr > 0) {
      const stop = entry - cfg.stopLossAtr * atr;
      const take = entry + cfg.takeProfitAtr * atr;
      if (price <= stop)
        return `stop-loss: price ${num(price)} <= entry ${num(entry)} − ${cfg.stopLossAtr}×ATR14 ${num(atr)} = ${num(stop)}: exit`;
      if (price >= take)
        return `take-profit: price ${num(price)} >= entry ${num(entry)} + ${cfg.takeProfitAtr}×ATR14 ${num(atr)} = ${num(take)}: exit`;
      return undefined;
    }
    if (price <= entry * (1 - cfg.stopLossPct))
      return `stop-loss: price ${num(price)} <= entry ${num(entry)} × (1 − ${pct(cfg.stopLossPct, 0)}): exit`;
    if (price >= entry * (1 + cfg.takeProfitPct))
      return `take-profit: price ${num(price)} >= entry ${num(entry)} × (1 + ${pct(cfg.takeProfitPct, 0)}): exit`;
    return undefined;
  }
}

/** Each symbol's line: the weighted consensus of the analysts, damped or zeroed when they conflict. */
function consensusLines(
  request: PortfolioRequest,
  weights: ConsensusWeights,
  positions: ReadonlyMap<string, Position>,
  cfg: PortfolioConfig,
): Line[] {
  const { ctx, risk } = request;
  const equity = ctx.portfolio.equity;
  const technical = new Map<string, AgentDecision>();
  const sentiment = new Map<string, AgentDecision>();
  for (const d of request.decisions) {
    if (d.agent === 'technical') technical.set(d.symbol, d);
    else if (d.agent === 'sentiment') sentiment.set(d.symbol, d);
  }
  const wSum = weights.technical + weights.sentiment;
  const degradedFactor = request.degraded.length > 0 ? cfg.degradedConfidenceFactor : 1;
  return ctx.snapshots.map((snapshot) => {
    const symbol = snapshot.symbol;
    const position = positions.get(symbol);
    const current =
      position && equity > 0 ? (position.quantity * (position.marketPrice ?? snapshot.price)) / equity : 0;
    const maxWeight = risk.assessment.maxWeightBySymbol[symbol] ?? 0;
    const t = technical.get(symbol);
    const s = sentiment.get(symbol);
    const tc = t ? t.confidence : 0;
    const sc = s ? s.confidence : 0;
    const td = direction(t?.signal);
    const sd = direction(s?.signal);
    let score = wSum > 0 ? (weights.technical * tc * td + weights.sentiment * sc * sd) / wSum : 0;
    let confidence = wSum > 0 ? (weights.technical * tc + weights.sentiment * sc) / wSum : 0;
    const consensus = score;
    const notes: (() => string)[] = [
      () =>
        `consensus ${signed(consensus)} = (technical ${t?.signal ?? 'none'} ${num(tc)}×${num(weights.technical)} + sentiment ${s?.signal ?? 'none'} ${num(sc)}×${num(weights.sentiment)}) / ${num(wSum)}`,
    ];
    if (t?.supportingData.horizon === 'long') notes.push(() => 'technical view re-asked on the long horizon');
    // A conflict needs two analysts in the consensus: one weighted 0 (an attribution variant) is left out.
    const bothWeighted = weights.technical > 0 && weights.sentiment > 0;
    if (bothWeighted && td !== 0 && sd !== 0 && td !== sd) {
      if (tc >= cfg.conflictMinConfidence && sc >= cfg.conflictMinConfidence) {
        notes.push(
          () =>
            `strong conflict (technical ${t?.signal} ${num(tc)} vs sentiment ${s?.signal} ${num(sc)}, both >= ${num(cfg.conflictMinConfidence)}): hold, no new exposure`,
        );
        score = 0;
        confidence *= cfg.conflictDamping;
      } else {
        score *= cfg.conflictDamping;
        confidence *= cfg.conflictDamping;
        const damped = score;
        notes.push(
          () =>
            `mild conflict between technical and sentiment: consensus ×${num(cfg.conflictDamping)} → ${signed(damped)}`,
        );
      }
    }
    return {
      snapshot,
      current,
      maxWeight,
      score,
      confidence: clamp(confidence * degradedFactor, 0, 1),
      target: Math.min(current, maxWeight),
      forcedExit: false,
      notes,
    };
  });
}

/** Max positions: keep the strongest consensus; ties by symbol so the result does not depend on input order. */
function capPositions(lines: readonly Line[], cfg: PortfolioConfig): void {
  const held = lines.filter((l) => l.target > 0);
  if (held.length > cfg.maxPositions) {
    const ranked = [...held].sort(
      (a, b) => b.score - a.score || (a.snapshot.symbol < b.snapshot.symbol ? -1 : 1),
    );
    for (const l of ranked.slice(cfg.maxPositions)) {
      l.target = 0;
      l.forcedExit = true;
      l.notes.push(() => `beyond max ${cfg.maxPositions} positions by consensus rank: target 0`);
    }
  }
}

/** Churn: skip small changes unless exiting or trimming above the risk max. */
function skipSmallChanges(lines: readonly Line[], cfg: PortfolioConfig): void {
  for (const l of lines) {
    const change = l.target - l.current;
    if (
      l.target > 0 &&
      Math.abs(change) < cfg.minTradeWeight &&
      l.current <= l.maxWeight + 1e-9 &&
      change !== 0
    ) {
      l.notes.push(() => `change ${pct(change, 2)} below min trade ${pct(cfg.minTradeWeight, 1)}: no trade`);
      l.target = l.current;
    }
  }
}

/** Cash: no leverage; cut increases first, then scale everything if holdings alone exceed the budget. */
function fitCashBudget(lines: readonly Line[], cfg: PortfolioConfig): void {
  const budget = 1 - cfg.cashBuffer;
  const total = lines.reduce((s, l) => s + l.target, 0);
  if (total > budget + 1e-12) {
    const excess = total - budget;
    const increases = lines.reduce((s, l) => s + Math.max(0, l.target - l.current), 0);
    if (increases >= excess) {
      const keep = 1 - excess / increases;
      for (const l of lines) {
        if (l.target > l.current) {
          l.target = l.current + (l.target - l.current) * keep;
          l.notes.push(
            () => `increase scaled ×${num(keep, 3)} to keep ${pct(cfg.cashBuffer, 0)} cash, no leverage`,
          );
        }
      }
    } else {
      for (const l of lines) l.target = Math.min(l.target, l.current);
      const held2 = lines.reduce((s, l) => s + l.target, 0);
      const scale = held2 > 0 ? budget / held2 : 1;
      for (const l of lines) {
        if (l.target > 0) {
          l.target *= scale;
          l.notes.push(() => `holdings scaled ×${num(scale, 3)} to fit the cash budget`);
        }
      }
    }
  }
}

/** The portfolio manager's decision and target per line, with one reasoning text for both. */
function planOf(
  lines: readonly Line[],
  ctx: DecisionContext,
  degraded: readonly DegradedAgent[],
  vetoes: ReadonlyMap<string, string>,
  cfg: PortfolioConfig,
): PortfolioPlan {
  const decisions: AgentDecision[] = [];
  const targets: TargetPosition[] = [];
  const degradedAgents = degraded.length > 0 ? degraded.map((d) => d.agent).join(', ') : undefined;
  for (const l of lines) {
    const symbol: TickerSymbol = l.snapshot.symbol;
    const target = round(l.target, 6) as number;
    const signal: Signal = target > l.current + 1e-9 ? 'BUY' : target < l.current - 1e-9 ? 'SELL' : 'HOLD';
    // One text for the target and the decision; none when the cycle keeps no reasoning (ctx.explain).
    const reasoning =
      ctx.explain === false
        ? ''
        : `${signal} ${symbol}: target ${pct(target)} from ${pct(l.current)}; ${l.notes.map((note) => note()).join('; ')}.${degradedAgents !== undefined ? ` Degraded cycle (${degradedAgents}): confidence ×${num(cfg.degradedConfidenceFactor)}.` : ''}`;
    targets.push({ symbol, targetWeight: target, score: round(l.score) as number, reasoning });
    decisions.push({
      agent: 'portfolio',
      symbol,
      signal,
      confidence: l.confidence,
      reasoning,
      supportingData: {
        score: round(l.score),
        currentWeight: round(l.current, 6),
        targetWeight: target,
        maxWeight: round(l.maxWeight, 6),
        veto: vetoes.get(symbol) ?? null,
        forcedExit: l.forcedExit,
      },
      ts: ctx.asOf,
      correlationId: ctx.correlationId,
    });
  }
  return { decisions, targets };
}

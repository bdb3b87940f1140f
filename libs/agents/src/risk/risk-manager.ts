import type { AgentDecision, MarketSnapshot, RiskAssessment, TickerSymbol, Veto } from '@ats/contracts';
import { z } from 'zod';
import { DEFAULT_AGENT_CONFIGS } from '../config';
import { num, pct, round } from '../format';
import { withLazyText } from '../lazy-text';
import { OFFLINE_REASONER, type Reasoner } from '../llm';
import type { AgentConfig, DecisionContext } from '../types';
import { alignedReturns, returnCount } from '../universe';
import {
  annualisedVolatility,
  atrWeight,
  fractionalKellyWeight,
  volatilityTargetWeight,
} from './position-sizing';
import {
  correlatedClusters,
  correlationMatrix,
  currentDrawdown,
  currentDrawdownAfter,
  historicalTailRisks,
  parametricTailRisks,
  type TailRisk,
} from './risk-measures';

export type SizingMethod = 'volatility' | 'atr' | 'kelly';

/** VaR/CVaR confidence levels reported (one-day). */
const TAIL_LEVELS: readonly number[] = [0.95, 0.99];

/** Risk limits and sizing parameters (all weights are fractions of equity; vols annualised). */
export interface RiskConfig {
  /** Drawdown from the equity peak at which new buys are vetoed. */
  readonly drawdownLimit: number;
  /** Largest weight of one symbol. */
  readonly maxPositionWeight: number;
  readonly sizing: SizingMethod;
  /** Volatility targeting: each position's standalone annualised vol. */
  readonly targetVolPerPosition: number;
  /** Daily returns behind realised vol and Kelly. */
  readonly volWindow: number;
  /** ATR sizing: equity risked per trade and stop distance in ATRs. */
  readonly riskPerTrade: number;
  readonly stopAtrMultiple: number;
  readonly kellyFraction: number;
  readonly correlationWindow: number;
  /** |ρ| above this links two symbols into a cluster... */
  readonly correlationThreshold: number;
  /** ...whose combined weight may not exceed this. */
  readonly maxClusterWeight: number;
  /** Daily returns behind VaR/CVaR. */
  readonly varLookback: number;
  /** Historical one-day VaR99 above this vetoes new buys. */
  readonly varLimit99: number;
  /** Fewer daily returns than this: no position allowed. */
  readonly minHistory: number;
}

export const DEFAULT_RISK_CONFIG: RiskConfig = {
  drawdownLimit: 0.2,
  maxPositionWeight: 0.25,
  sizing: 'volatility',
  targetVolPerPosition: 0.08,
  volWindow: 60,
  riskPerTrade: 0.01,
  stopAtrMultiple: 2,
  kellyFraction: 0.25,
  correlationWindow: 60,
  correlationThreshold: 0.8,
  maxClusterWeight: 0.4,
  varLookback: 250,
  varLimit99: 0.05,
  minHistory: 20,
};

export interface PositionSize {
  readonly symbol: TickerSymbol;
  readonly currentWeight: number;
  /** Largest weight allowed after sizing, the per-symbol cap and the cluster cap. */
  readonly maxWeight: number;
  readonly method: SizingMethod;
  readonly realisedVol: number | null;
  readonly volatilityTarget: number;
  readonly atrBased: number;
  readonly kelly: number;
  readonly clusterScale: number;
}

export interface RiskReport {
  readonly assessment: RiskAssessment;
  readonly sizes: readonly PositionSize[];
  readonly correlation: {
    readonly symbols: readonly TickerSymbol[];
    readonly matrix: readonly (readonly number[])[];
    readonly clusters: readonly (readonly TickerSymbol[])[];
  };
  readonly parametric: {
    readonly valueAtRisk95: number;
    readonly valueAtRisk99: number;
    readonly cvar95: number;
    readonly cvar99: number;
  };
  readonly degraded?: string;
}

export interface RiskRequest {
  readonly ctx: DecisionContext;
  readonly priorDecisions: readonly AgentDecision[];
}

/** A risk manager: local or a NATS proxy. */
export interface RiskAgent {
  readonly config: AgentConfig;
  analyze(request: RiskRequest): Promise<RiskReport>;
}

export const RISK_SYSTEM_PROMPT = `You are the risk manager of a long-only equity trading team. You receive the
portfolio's VaR/CVaR, drawdown against its limit, per-symbol size limits, correlation clusters and the analysts'
decisions. The limits are binding and computed by rules; you may only ADD vetoes (with a reason citing numbers) for
symbols where you see risk the numbers miss. Return an empty list when you have nothing to add.`;

const LlmVetoSchema = z.object({
  vetoes: z.array(z.object({ symbol: z.string(), reason: z.string().min(1) })),
});

/**
 * Risk manager: VaR/CVaR of the current portfolio, drawdown against its limit, position sizes and vetoes.
 * Drawdown uses ctx.equityHistory when given, else the high-water mark this instance has seen.
 */
export class RiskManagerAgent implements RiskAgent {
  readonly riskConfig: RiskConfig;
  #highWaterMark = Number.NEGATIVE_INFINITY;

  constructor(
    riskConfig: Partial<RiskConfig> = {},
    readonly config: AgentConfig = DEFAULT_AGENT_CONFIGS.risk,
    private readonly reasoner: Reasoner = OFFLINE_REASONER,
  ) {
    this.riskConfig = { ...DEFAULT_RISK_CONFIG, ...riskConfig };
  }

  /** True when this agent reasons by rules only: the team may call `decide` synchronously. */
  get offline(): boolean {
    return this.reasoner.kind === 'offline';
  }

  decide(request: RiskRequest): RiskReport {
    const { ctx } = request;
    const cfg = this.riskConfig;
    const snapshots = ctx.snapshots;
    const universe = alignedReturns(snapshots);
    const equity = ctx.portfolio.equity;
    const priceOf = new Map(snapshots.map((s) => [s.symbol, s.price]));
    const weightOf = new Map<string, number>();
    for (const p of ctx.portfolio.positions) {
      const price = p.marketPrice ?? priceOf.get(p.symbol) ?? p.averagePrice;
      weightOf.set(p.symbol, equity > 0 ? (p.quantity * price) / equity : 0);
    }
    const weights = snapshots.map((s) => weightOf.get(s.symbol) ?? 0);

    // Portfolio returns of today's weights over the look-back (positions outside the universe are not modelled).
    const m = returnCount(universe);
    const len = Math.min(m, cfg.varLookback);
    const portfolioReturns = new Float64Array(len);
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i] as number;
      if (w === 0) continue;
      const r = universe.returns[i] as Float64Array;
      for (let t = 0; t < len; t++)
        portfolioReturns[t] = (portfolioReturns[t] as number) + w * (r[m - len + t] as number);
    }
    const [h95, h99] = historicalTailRisks(portfolioReturns, TAIL_LEVELS) as [TailRisk, TailRisk];
    const [p95, p99] = parametricTailRisks(portfolioReturns, TAIL_LEVELS) as [TailRisk, TailRisk];

    let drawdown: number;
    let drawdownSource: string;
    if (ctx.equityHistory && ctx.equityHistory.length > 0) {
      drawdown = currentDrawdownAfter(ctx.equityHistory, equity);
      drawdownSource = 'equity history';
    } else {
      this.#highWaterMark = Math.max(this.#highWaterMark, equity);
      drawdown = currentDrawdown([this.#highWaterMark, equity]);
      drawdownSource = 'high-water mark seen by the risk manager';
    }

    const matrix = correlationMatrix(universe.returns, cfg.correlationWindow);
    const clusters = m >= cfg.minHistory ? correlatedClusters(matrix, cfg.correlationThreshold) : [];

    // Sizing per symbol.
    const raw = snapshots.map((s, i) => sizeOne(s, universe.returns[i] as Float64Array, cfg));
    const clusterScale = new Array<number>(snapshots.length).fill(1);
    for (const cluster of clusters) {
      const total = cluster.reduce((sum, i) => sum + (raw[i]?.chosen ?? 0), 0);
      if (total > cfg.maxClusterWeight)
        for (const i of cluster) clusterScale[i] = cfg.maxClusterWeight / total;
    }

    const reasons = new Map<string, string[]>();
    const veto = (symbol: string, reason: string) => {
      const list = reasons.get(symbol);
      if (list) list.push(reason);
      else reasons.set(symbol, [reason]);
    };
    const buysBlocked: string[] = [];
    if (drawdown >= cfg.drawdownLimit)
      buysBlocked.push(`drawdown ${pct(drawdown)} >= limit ${pct(cfg.drawdownLimit)}: no new buys`);
    if (h99.valueAtRisk > cfg.varLimit99)
      buysBlocked.push(
        `one-day VaR99 ${pct(h99.valueAtRisk, 2)} > limit ${pct(cfg.varLimit99, 2)}: no new buys`,
      );
    if (!(equity > 0)) buysBlocked.push(`equity ${num(equity)} not positive: no new buys`);

    const maxWeightBySymbol: Record<string, number> = {};
    const sizes: PositionSize[] = snapshots.map((s, i) => {
      const r = raw[i] as SizeFigures;
      const maxWeight = Math.min(cfg.maxPositionWeight, r.chosen * (clusterScale[i] as number));
      maxWeightBySymbol[s.symbol] = round(maxWeight, 6) as number;
      const current = weights[i] as number;
      if (r.note) veto(s.symbol, r.note);
      for (const b of buysBlocked) veto(s.symbol, b);
      if (current > maxWeight + 1e-9)
        veto(s.symbol, `position ${pct(current)} above max ${pct(maxWeight)}: no adds, trim to max`);
      return {
        symbol: s.symbol,
        currentWeight: current,
        maxWeight,
        method: cfg.sizing,
        realisedVol: r.vol,
        volatilityTarget: r.volTarget,
        atrBased: r.atr,
        kelly: r.kelly,
        clusterScale: clusterScale[i] as number,
      };
    });
    const vetoes: Veto[] = [...reasons.entries()].map(([symbol, list]) => ({
      symbol,
      reason: list.join('; '),
    }));
    const clusterSymbols = clusters.map((c) => c.map((i) => snapshots[i]?.symbol as string));

    // Built only when read: a backtest that does not record the text never pays for formatting it.
    const reasoning = () =>
      `Portfolio one-day VaR95 ${pct(h95.valueAtRisk, 2)} / VaR99 ${pct(h99.valueAtRisk, 2)}, CVaR95 ${pct(h95.conditionalValueAtRisk, 2)} / CVaR99 ${pct(h99.conditionalValueAtRisk, 2)} ` +
      `(historical, ${len} days; normal: VaR95 ${pct(p95.valueAtRisk, 2)}, VaR99 ${pct(p99.valueAtRisk, 2)}). ` +
      `Drawdown ${pct(drawdown)} vs limit ${pct(cfg.drawdownLimit)} (${drawdownSource}). ` +
      `Sizing by ${cfg.sizing}, cap ${pct(cfg.maxPositionWeight, 0)} per symbol; ` +
      `${clusters.length === 0 ? 'no correlated clusters' : `clusters |ρ|>${num(cfg.correlationThreshold)} over ${cfg.correlationWindow}d capped at ${pct(cfg.maxClusterWeight, 0)}: ${clusterSymbols.map((c) => c.join('+')).join(', ')}`}. ` +
      `${vetoes.length === 0 ? 'No vetoes.' : `${vetoes.length} veto(es).`}`;

    return {
      assessment: withLazyText(
        {
          asOf: ctx.asOf,
          valueAtRisk95: h95.valueAtRisk,
          valueAtRisk99: h99.valueAtRisk,
          conditionalValueAtRisk95: h95.conditionalValueAtRisk,
          conditionalValueAtRisk99: h99.conditionalValueAtRisk,
          currentDrawdown: drawdown,
          drawdownLimit: cfg.drawdownLimit,
          maxWeightBySymbol,
          vetoes,
        },
        'reasoning',
        reasoning,
        { correlationId: ctx.correlationId },
      ),
      sizes,
      correlation: { symbols: snapshots.map((s) => s.symbol), matrix, clusters: clusterSymbols },
      parametric: {
        valueAtRisk95: p95.valueAtRisk,
        valueAtRisk99: p99.valueAtRisk,
        cvar95: p95.conditionalValueAtRisk,
        cvar99: p99.conditionalValueAtRisk,
      },
    };
  }

  async analyze(request: RiskRequest): Promise<RiskReport> {
    const report = this.decide(request);
    if (this.reasoner.kind === 'offline') return report;
    const client = this.reasoner.client;
    let lastError = '';
    for (let attempt = 0; attempt <= this.config.retryAttempts; attempt++) {
      try {
        const answer = await client.complete({
          system: RISK_SYSTEM_PROMPT,
          // The cycle's correlation id stays out of the prompt: the same figures must hit the same cached answer.
          user: JSON.stringify({
            assessment: { ...report.assessment, correlationId: undefined },
            sizes: report.sizes,
            clusters: report.correlation.clusters,
            decisions: request.priorDecisions.map((d) => ({
              agent: d.agent,
              symbol: d.symbol,
              signal: d.signal,
              confidence: d.confidence,
            })),
          }),
          schema: LlmVetoSchema,
          schemaName: 'risk_vetoes',
          temperature: this.config.temperature,
          maxTokens: this.config.maxTokens,
          model: this.config.model,
        });
        const known = new Set(Object.keys(report.assessment.maxWeightBySymbol));
        const extra = answer.value.vetoes.filter((v) => known.has(v.symbol));
        if (extra.length === 0) return report;
        const merged = new Map(report.assessment.vetoes.map((v) => [v.symbol, v.reason]));
        for (const v of extra)
          merged.set(
            v.symbol,
            merged.has(v.symbol) ? `${merged.get(v.symbol)}; LLM: ${v.reason}` : `LLM: ${v.reason}`,
          );
        const vetoes = report.sizes
          .filter((s) => merged.has(s.symbol))
          .map((s) => ({ symbol: s.symbol, reason: merged.get(s.symbol) as string }));
        return { ...report, assessment: { ...report.assessment, vetoes } };
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
    }
    return { ...report, degraded: `LLM review unavailable (${lastError}); rule-based limits stand` };
  }
}

interface SizeFigures {
  readonly vol: number | null;
  readonly volTarget: number;
  readonly atr: number;
  readonly kelly: number;
  readonly chosen: number;
  readonly note?: string;
}

function sizeOne(snapshot: MarketSnapshot, returns: Float64Array, cfg: RiskConfig): SizeFigures {
  if (returns.length < cfg.minHistory) {
    return {
      vol: null,
      volTarget: 0,
      atr: 0,
      kelly: 0,
      chosen: 0,
      note: `only ${returns.length} daily returns (< ${cfg.minHistory}): no position`,
    };
  }
  const window = returns.subarray(Math.max(0, returns.length - cfg.volWindow));
  const vol = annualisedVolatility(window);
  const cap = cfg.maxPositionWeight;
  const volTarget = volatilityTargetWeight(cfg.targetVolPerPosition, vol, cap);
  const atrValue = snapshot.indicators.atr14;
  const atr =
    atrValue === null || atrValue === undefined
      ? 0
      : atrWeight(cfg.riskPerTrade, atrValue, snapshot.price, cfg.stopAtrMultiple, cap);
  const kelly = fractionalKellyWeight(window, cfg.kellyFraction, cap);
  const chosen = cfg.sizing === 'volatility' ? volTarget : cfg.sizing === 'atr' ? atr : kelly;
  return { vol, volTarget, atr, kelly, chosen };
}

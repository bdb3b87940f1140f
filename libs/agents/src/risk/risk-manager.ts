import type { AgentDecision, RiskAssessment, TickerSymbol } from '@ats/contracts';
import { z } from 'zod';
import { DEFAULT_AGENT_CONFIGS } from '../config';
import { OFFLINE_REASONER, type Reasoner } from '../llm';
import type { AgentConfig, DecisionContext } from '../types';
import { alignedReturns, returnCount, type UniverseReturns } from '../universe';
import { type PortfolioTailRisk, portfolioTailRisk, positionWeights } from './portfolio-tail-risk';
import { buyBlocks, type PositionLimits, type PositionSize, positionLimits } from './position-limits';
import { DEFAULT_RISK_CONFIG, type RiskConfig } from './risk-config';
import {
  correlatedClusters,
  correlationMatrix,
  currentDrawdown,
  currentDrawdownAfter,
} from './risk-measures';
import { type DrawdownReading, explainRisk } from './risk-reasoning';

export type { PositionSize } from './position-limits';
export { DEFAULT_RISK_CONFIG, type RiskConfig, type SizingMethod } from './risk-config';

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
    const universe = alignedReturns(snapshots, ctx.historyColumns);
    const weights = positionWeights(ctx.portfolio, snapshots);
    const tail = portfolioTailRisk(universe, weights, cfg.varLookback);
    const drawdown = this.#drawdown(ctx);
    const correlation = correlationClusters(universe, cfg);
    const buysBlocked = buyBlocks(
      drawdown.drawdown,
      tail.historical99.valueAtRisk,
      ctx.portfolio.equity,
      cfg,
    );
    const limits = positionLimits(
      snapshots,
      universe.returns,
      weights,
      correlation.clusters,
      buysBlocked,
      cfg,
    );
    const clusterSymbols = correlation.clusters.map((c) => c.map((i) => snapshots[i]?.symbol as string));
    return {
      assessment: riskAssessment(ctx, tail, drawdown, limits, cfg, () =>
        explainRisk(tail, drawdown, clusterSymbols, limits.vetoes.length, cfg),
      ),
      sizes: limits.sizes,
      correlation: {
        symbols: snapshots.map((s) => s.symbol),
        matrix: correlation.matrix,
        clusters: clusterSymbols,
      },
      parametric: {
        valueAtRisk95: tail.parametric95.valueAtRisk,
        valueAtRisk99: tail.parametric99.valueAtRisk,
        cvar95: tail.parametric95.conditionalValueAtRisk,
        cvar99: tail.parametric99.conditionalValueAtRisk,
      },
    };
  }

  /** Drawdown from ctx.equityHistory's peak when given, else from the high-water mark this instance has seen. */
  #drawdown(ctx: DecisionContext): DrawdownReading {
    const equity = ctx.portfolio.equity;
    if (ctx.equityHistory && ctx.equityHistory.length > 0)
      return { drawdown: currentDrawdownAfter(ctx.equityHistory, equity), source: 'equity history' };
    this.#highWaterMark = Math.max(this.#highWaterMark, equity);
    return {
      drawdown: currentDrawdown([this.#highWaterMark, equity]),
      source: 'high-water mark seen by the risk manager',
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

/** The correlation matrix over the window and the clusters of symbols it links (none with too little history). */
function correlationClusters(
  universe: UniverseReturns,
  cfg: RiskConfig,
): { readonly matrix: number[][]; readonly clusters: number[][] } {
  const matrix = correlationMatrix(universe.returns, cfg.correlationWindow);
  const clusters =
    returnCount(universe) >= cfg.minHistory ? correlatedClusters(matrix, cfg.correlationThreshold) : [];
  return { matrix, clusters };
}

/** The contract's RiskAssessment; its reasoning is formatted unless the cycle keeps no reasoning (ctx.explain). */
function riskAssessment(
  ctx: DecisionContext,
  tail: PortfolioTailRisk,
  drawdown: DrawdownReading,
  limits: PositionLimits,
  cfg: RiskConfig,
  reasoning: () => string,
): RiskAssessment {
  return {
    asOf: ctx.asOf,
    valueAtRisk95: tail.historical95.valueAtRisk,
    valueAtRisk99: tail.historical99.valueAtRisk,
    conditionalValueAtRisk95: tail.historical95.conditionalValueAtRisk,
    conditionalValueAtRisk99: tail.historical99.conditionalValueAtRisk,
    currentDrawdown: drawdown.drawdown,
    drawdownLimit: cfg.drawdownLimit,
    maxWeightBySymbol: limits.maxWeightBySymbol,
    vetoes: limits.vetoes,
    reasoning: ctx.explain === false ? '' : reasoning(),
    correlationId: ctx.correlationId,
  };
}

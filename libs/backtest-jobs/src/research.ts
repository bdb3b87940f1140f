import { AdaptiveConsensusWeights, type ConsensusWeights } from '@ats/agents';
import type { DecisionRecord as EngineDecision } from '@ats/backtest';
import type { BacktestRequest, Bar } from '@ats/contracts';
import {
  type AgentCalibration,
  type AgentCall,
  agentCalibration,
  callOutcomes,
  type PricePoint,
} from '@ats/performance';
import type { ReportWeightPath } from '@ats/reports';

/** How one run of a backtest job weighs and guards its team: the main run, or an ablation. */
export interface TeamVariant {
  readonly variant: string;
  readonly weights: ConsensusWeights;
  readonly weighting: 'static' | 'adaptive';
  readonly withoutRiskManager: boolean;
}

/**
 * The attribution table's rows after 'all': each analyst alone (the other weighted 0), the other consensus
 * weighting (adaptive when the run is static, and back), and the team without its risk manager.
 */
export function ablationVariants(request: BacktestRequest): TeamVariant[] {
  const weighting = request.weighting ?? 'static';
  const base = { weights: request.weights, weighting, withoutRiskManager: false } as const;
  return [
    {
      ...base,
      variant: 'technical only (without sentiment)',
      weights: { technical: 1, sentiment: 0 },
      weighting: 'static',
    },
    {
      ...base,
      variant: 'sentiment only (without technical)',
      weights: { technical: 0, sentiment: 1 },
      weighting: 'static',
    },
    weighting === 'static'
      ? { ...base, variant: 'adaptive weights (instead of static)', weighting: 'adaptive' }
      : { ...base, variant: 'static weights (instead of adaptive)', weighting: 'static' },
    { ...base, variant: 'without risk manager (no vetoes, equal slots)', withoutRiskManager: true },
  ];
}

/** A fresh point-in-time weighting for an adaptive run (its path is the report's), or none for a static one. */
export function weightingFor(
  variant: Pick<TeamVariant, 'weights' | 'weighting'>,
): AdaptiveConsensusWeights | undefined {
  return variant.weighting === 'adaptive' ? new AdaptiveConsensusWeights(variant.weights) : undefined;
}

export function weightPath(variant: string, weighting: AdaptiveConsensusWeights): ReportWeightPath {
  return {
    variant,
    points: weighting.path.map((p) => ({ asOf: p.asOf, weights: p.weights, source: p.source })),
  };
}

/**
 * Every agent's calls of a run scored against the realised forward returns of its symbol (1, 5, 20 bars), from the
 * run's bars after the run: the adjusted close when the source has one, else the close.
 */
export function calibrationOf(
  decisions: readonly EngineDecision[],
  bars: ReadonlyMap<string, readonly Bar[]>,
): AgentCalibration[] {
  const calls: AgentCall[] = decisions.flatMap((d) =>
    d.signals.map((s) => ({
      agent: s.agent,
      symbol: s.symbol,
      ts: d.ts,
      signal: s.signal,
      confidence: s.confidence,
    })),
  );
  const prices = new Map<string, PricePoint[]>();
  for (const [symbol, series] of bars)
    prices.set(
      symbol,
      series.map((bar) => ({ ts: bar.ts, price: bar.adjClose ?? bar.close })),
    );
  return agentCalibration(callOutcomes(calls, prices));
}

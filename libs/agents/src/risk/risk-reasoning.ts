import { num, pct } from '../format';
import type { PortfolioTailRisk } from './portfolio-tail-risk';
import type { RiskConfig } from './risk-config';

/** Drawdown from the equity peak, and which peak it was measured from. */
export interface DrawdownReading {
  readonly drawdown: number;
  readonly source: string;
}

/** The risk manager's reasoning: tail risk, drawdown against its limit, the sizing rules, clusters, veto count. */
export function explainRisk(
  tail: PortfolioTailRisk,
  drawdown: DrawdownReading,
  clusterSymbols: readonly (readonly string[])[],
  vetoCount: number,
  cfg: RiskConfig,
): string {
  const { historical95: h95, historical99: h99, parametric95: p95, parametric99: p99 } = tail;
  return (
    `Portfolio one-day VaR95 ${pct(h95.valueAtRisk, 2)} / VaR99 ${pct(h99.valueAtRisk, 2)}, CVaR95 ${pct(h95.conditionalValueAtRisk, 2)} / CVaR99 ${pct(h99.conditionalValueAtRisk, 2)} ` +
    `(historical, ${tail.days} days; normal: VaR95 ${pct(p95.valueAtRisk, 2)}, VaR99 ${pct(p99.valueAtRisk, 2)}). ` +
    `Drawdown ${pct(drawdown.drawdown)} vs limit ${pct(cfg.drawdownLimit)} (${drawdown.source}). ` +
    `Sizing by ${cfg.sizing}, cap ${pct(cfg.maxPositionWeight, 0)} per symbol; ` +
    `${clusterSymbols.length === 0 ? 'no correlated clusters' : `clusters |ρ|>${num(cfg.correlationThreshold)} over ${cfg.correlationWindow}d capped at ${pct(cfg.maxClusterWeight, 0)}: ${clusterSymbols.map((c) => c.join('+')).join(', ')}`}. ` +
    `${vetoCount === 0 ? 'No vetoes.' : `${vetoCount} veto(es).`}`
  );
}

import type { PortfolioState } from '@ats/contracts';
import type { UniverseReturns } from '../universe';
import { returnCount } from '../universe';
import { historicalTailRisks, parametricTailRisks, type TailRisk } from './risk-measures';

/** VaR/CVaR confidence levels reported (one-day). */
const TAIL_LEVELS: readonly number[] = [0.95, 0.99];

/** One-day VaR/CVaR of the portfolio as it stands today, historical and normal (parametric). */
export interface PortfolioTailRisk {
  /** Daily returns behind the figures. */
  readonly days: number;
  readonly historical95: TailRisk;
  readonly historical99: TailRisk;
  readonly parametric95: TailRisk;
  readonly parametric99: TailRisk;
}

/**
 * Each universe symbol's weight in the portfolio (0 when not held), at the position's market price, else the
 * snapshot's, else its average cost.
 */
export function positionWeights(
  portfolio: PortfolioState,
  universe: readonly { readonly symbol: string; readonly price: number }[],
): number[] {
  const equity = portfolio.equity;
  const priceOf = new Map(universe.map((s) => [s.symbol, s.price]));
  const weightOf = new Map<string, number>();
  for (const p of portfolio.positions) {
    const price = p.marketPrice ?? priceOf.get(p.symbol) ?? p.averagePrice;
    weightOf.set(p.symbol, equity > 0 ? (p.quantity * price) / equity : 0);
  }
  return universe.map((s) => weightOf.get(s.symbol) ?? 0);
}

/** Tail risk of today's weights replayed over the look-back (positions outside the universe are not modelled). */
export function portfolioTailRisk(
  universe: UniverseReturns,
  weights: readonly number[],
  lookback: number,
): PortfolioTailRisk {
  const returns = portfolioReturns(universe, weights, lookback);
  const [historical95, historical99] = historicalTailRisks(returns, TAIL_LEVELS) as [TailRisk, TailRisk];
  const [parametric95, parametric99] = parametricTailRisks(returns, TAIL_LEVELS) as [TailRisk, TailRisk];
  return { days: returns.length, historical95, historical99, parametric95, parametric99 };
}

/** Daily returns of the weighted portfolio over the last `lookback` aligned days, oldest first. */
function portfolioReturns(universe: UniverseReturns, weights: readonly number[], lookback: number): number[] {
  const m = returnCount(universe);
  const len = Math.min(m, lookback);
  const out: number[] = new Array(len).fill(0);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (w === 0) continue;
    const r = universe.returns[i] as ArrayLike<number>;
    for (let t = 0; t < len; t++) out[t] = (out[t] as number) + w * (r[m - len + t] as number);
  }
  return out;
}

export type SizingMethod = 'volatility' | 'atr' | 'kelly';

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

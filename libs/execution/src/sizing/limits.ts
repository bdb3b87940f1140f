/** Pre-trade limits of an account, checked at the decision close. */
export interface TradingLimits {
  /** Largest position per symbol as a fraction of equity at the decision close. */
  readonly maxWeightPerSymbol: number;
  /** Largest Σ |position value| / equity; 1 = no leverage. */
  readonly maxGrossExposure: number;
  readonly allowShort: boolean;
  /** Buys may spend more than the cash held. Off: buys are cut to the cash available. */
  readonly allowMargin: boolean;
}

/** A cash account: long only, no leverage, no margin, any one symbol may take the whole book. */
export const CASH_ACCOUNT_LIMITS: TradingLimits = {
  maxWeightPerSymbol: 1,
  maxGrossExposure: 1,
  allowShort: false,
  allowMargin: false,
};

/** How target weights become orders. */
export interface SizingPolicy {
  /** Skip a symbol whose weight would move by less than this fraction of equity (exits always trade). */
  readonly minWeightChange: number;
  /**
   * Buys are sized against cash at the decision close but fill at the next open; this fraction of each buy's
   * value is held in reserve so an overnight gap up does not overdraw the account.
   */
  readonly gapAllowance: number;
}

/** Half a percent of equity: below that, rebalancing costs more in commission than it corrects. */
export const DEFAULT_MIN_WEIGHT_CHANGE = 0.005;
/** One percent: most overnight gaps of liquid US large caps are smaller. */
export const GAP_ALLOWANCE = 0.01;

/** The agent team's policy in every trading path (backtest, paper, live). */
export const TEAM_SIZING_POLICY: SizingPolicy = {
  minWeightChange: DEFAULT_MIN_WEIGHT_CHANGE,
  gapAllowance: GAP_ALLOWANCE,
};

/** Every computed change trades, sized against the cash as it is (the baselines' rebalancing). */
export const EXACT_SIZING_POLICY: SizingPolicy = { minWeightChange: 0, gapAllowance: 0 };

import type { ClosedTrade } from './types';

export interface TradeStatistics {
  readonly tradeCount: number;
  readonly winningTrades: number;
  readonly losingTrades: number;
  /** Winners / all closed trades; a trade with pnl = 0 counts as a trade but not a win. Null with no trades. */
  readonly winRate: number | null;
  /** Gross profit / gross loss = Σ pnl⁺ / |Σ pnl⁻|. Null with no losing trade (unbounded) or no trades. */
  readonly profitFactor: number | null;
  /** Mean pnl of winning trades (currency); null with no winners. */
  readonly averageWin: number | null;
  /** Mean pnl of losing trades (currency, negative); null with no losers. */
  readonly averageLoss: number | null;
  /** Mean pnl per closed trade (= winRate × averageWin + lossRate × averageLoss); null with no trades. */
  readonly expectancy: number | null;
}

/** Statistics of closed round trips; open positions at the end of the run are not trades. */
export function tradeStatistics(trades: readonly ClosedTrade[]): TradeStatistics {
  let grossProfit = 0;
  let grossLoss = 0;
  let winners = 0;
  let losers = 0;
  for (const { pnl } of trades) {
    if (pnl > 0) {
      grossProfit += pnl;
      winners++;
    } else if (pnl < 0) {
      grossLoss += pnl;
      losers++;
    }
  }
  const count = trades.length;
  return {
    tradeCount: count,
    winningTrades: winners,
    losingTrades: losers,
    winRate: count === 0 ? null : winners / count,
    profitFactor: count === 0 || losers === 0 ? null : grossProfit / Math.abs(grossLoss),
    averageWin: winners === 0 ? null : grossProfit / winners,
    averageLoss: losers === 0 ? null : grossLoss / losers,
    expectancy: count === 0 ? null : (grossProfit + grossLoss) / count,
  };
}

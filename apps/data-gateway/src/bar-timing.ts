import type { Bar } from '@ats/contracts';

/** Closed-bar rule and bar lengths live with the market-data port, which applies them to subscriptions too. */
export { barIsClosed, TIMEFRAME_MS } from '@ats/market-data';

/** Bars of several symbols in market-time order (same instant: by symbol, so the order is reproducible). */
export function inMarketTimeOrder(bars: readonly Bar[]): Bar[] {
  return [...bars].sort((a, b) =>
    a.ts === b.ts ? (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) : a.ts < b.ts ? -1 : 1,
  );
}

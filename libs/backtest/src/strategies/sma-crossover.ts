import { SimpleMovingAverage } from '@ats/indicators';
import type { MarketView } from '../market-view';
import type { Strategy, StrategyContext } from '../strategy';

export interface SmaCrossoverOptions {
  readonly fast?: number;
  readonly slow?: number;
  /** Equity fraction per symbol while its fast SMA is above the slow one; default 1 / universe size. */
  readonly weightPerSymbol?: number;
}

export const DEFAULT_SMA_FAST = 20;
export const DEFAULT_SMA_SLOW = 50;

/**
 * Long a symbol while SMA(fast) > SMA(slow) of closes, flat otherwise (golden/death cross). Averages are streamed
 * one close per bar; a position changes only when the regime changes, at the next bar's open.
 */
export function smaCrossover(options: SmaCrossoverOptions = {}): Strategy {
  const fastPeriod = options.fast ?? DEFAULT_SMA_FAST;
  const slowPeriod = options.slow ?? DEFAULT_SMA_SLOW;
  if (!(fastPeriod < slowPeriod))
    throw new RangeError(`fast (${fastPeriod}) must be shorter than slow (${slowPeriod})`);
  let fast: SimpleMovingAverage[] = [];
  let slow: SimpleMovingAverage[] = [];
  /** 1 = long regime, 0 = flat, decided at the last decision time. */
  let regime = new Int8Array(0);
  return {
    description: {
      name: 'sma-crossover',
      params: { fast: fastPeriod, slow: slowPeriod, weightPerSymbol: options.weightPerSymbol ?? 'equal' },
    },
    start(view: MarketView) {
      fast = view.symbols.map(() => new SimpleMovingAverage(fastPeriod));
      slow = view.symbols.map(() => new SimpleMovingAverage(slowPeriod));
      regime = new Int8Array(view.symbols.length);
    },
    onStep(view: MarketView) {
      const printed = view.printedCount;
      for (let k = 0; k < printed; k++) {
        const i = view.printedSymbol(k);
        const close = view.close(i);
        (fast[i] as SimpleMovingAverage).update(close);
        (slow[i] as SimpleMovingAverage).update(close);
      }
    },
    decide(ctx: StrategyContext) {
      const { view } = ctx;
      const n = view.symbols.length;
      const weight = options.weightPerSymbol ?? 1 / n;
      for (let i = 0; i < n; i++) {
        const f = (fast[i] as SimpleMovingAverage).getResult();
        const s = (slow[i] as SimpleMovingAverage).getResult();
        if (f === undefined || s === undefined) continue;
        const wanted = f > s ? 1 : 0;
        if (wanted === regime[i]) continue;
        regime[i] = wanted;
        const symbol = view.symbols[i] as string;
        const reasoning = `SMA${fastPeriod} ${f.toFixed(4)} ${wanted ? 'above' : 'below'} SMA${slowPeriod} ${s.toFixed(4)}`;
        ctx.recordDecision({
          signals: [
            { symbol, agent: 'sma-crossover', signal: wanted ? 'BUY' : 'SELL', confidence: 1, reasoning },
          ],
          targets: [{ symbol, targetWeight: wanted ? weight : 0 }],
        });
        ctx.rebalanceToWeights(new Map([[symbol, wanted ? weight : 0]]), reasoning);
      }
    },
  };
}

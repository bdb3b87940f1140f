import { DEFAULT_SMA_CROSSOVER_FAST, DEFAULT_SMA_CROSSOVER_SLOW } from '@ats/contracts';
import { CROSS_TOUCH_TOLERANCE, SimpleMovingAverage } from '@ats/indicators';
import type { MarketView } from '../market-view';
import type { Strategy, StrategyContext } from '../strategy';

export interface SmaCrossoverOptions {
  readonly fast?: number;
  readonly slow?: number;
  /** Equity fraction per symbol while its fast SMA is above the slow one; default 1 / universe size. */
  readonly weightPerSymbol?: number;
}

/** 20/50 days, as the backtest request's defaults (one definition, in @ats/contracts). */
export const DEFAULT_SMA_FAST = DEFAULT_SMA_CROSSOVER_FAST;
export const DEFAULT_SMA_SLOW = DEFAULT_SMA_CROSSOVER_SLOW;

/**
 * Long a symbol while SMA(fast) > SMA(slow) of closes, flat otherwise (golden/death cross). Averages are streamed
 * one close per bar; orders trade at the next bar's open. "Above" means by more than the MaCrossover touch tolerance:
 * averages equal in decimal can differ by rolling-sum noise (~1e-14), and that must not open a one-day round trip.
 * The position compared with the signal is the one actually held (the portfolio's quantity, i.e. what filled), so an
 * order the engine refused (limits, cash) is tried again at each decision while the signal stands; a partly filled
 * entry counts as long and is not topped up.
 */
export function smaCrossover(options: SmaCrossoverOptions = {}): Strategy {
  const fastPeriod = options.fast ?? DEFAULT_SMA_FAST;
  const slowPeriod = options.slow ?? DEFAULT_SMA_SLOW;
  if (!(fastPeriod < slowPeriod))
    throw new RangeError(`fast (${fastPeriod}) must be shorter than slow (${slowPeriod})`);
  let fast: SimpleMovingAverage[] = [];
  let slow: SimpleMovingAverage[] = [];
  /** The signal at the last decision time (1 = fast above slow): tells a new signal from a retry. */
  let signal = new Int8Array(0);
  return {
    description: {
      name: 'sma-crossover',
      params: { fast: fastPeriod, slow: slowPeriod, weightPerSymbol: options.weightPerSymbol ?? 'equal' },
    },
    start(view: MarketView) {
      fast = view.symbols.map(() => new SimpleMovingAverage(fastPeriod));
      slow = view.symbols.map(() => new SimpleMovingAverage(slowPeriod));
      signal = new Int8Array(view.symbols.length);
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
      const { view, portfolio } = ctx;
      const n = view.symbols.length;
      const weight = options.weightPerSymbol ?? 1 / n;
      for (let i = 0; i < n; i++) {
        const f = (fast[i] as SimpleMovingAverage).getResult();
        const s = (slow[i] as SimpleMovingAverage).getResult();
        if (f === undefined || s === undefined) continue;
        const wanted = f - s > CROSS_TOUCH_TOLERANCE * Math.abs(s) ? 1 : 0;
        const isNewSignal = wanted !== signal[i];
        signal[i] = wanted;
        const symbol = view.symbols[i] as string;
        const held = portfolio.quantity(symbol) > 0 ? 1 : 0;
        if (wanted === held) continue;
        let reasoning = `SMA${fastPeriod} ${f.toFixed(4)} ${wanted ? 'above' : 'below'} SMA${slowPeriod} ${s.toFixed(4)}`;
        if (!isNewSignal) reasoning += wanted ? ', retry: not held' : ', retry: still held';
        const orderIds = ctx.rebalanceToWeights(new Map([[symbol, wanted ? weight : 0]]), reasoning);
        // A retry refused again (see the run's adjustments) or still waiting for its fill adds nothing to record.
        if (!isNewSignal && orderIds.length === 0) continue;
        ctx.recordDecision({
          signals: [
            { symbol, agent: 'sma-crossover', signal: wanted ? 'BUY' : 'SELL', confidence: 1, reasoning },
          ],
          targets: [{ symbol, targetWeight: wanted ? weight : 0 }],
        });
      }
    },
  };
}

import type { Strategy, StrategyContext, StrategyDescription } from '../strategy';

export interface BuyAndHoldOptions {
  /** Target weights by symbol; default equal weights over the whole universe. */
  readonly weights?: Readonly<Record<string, number>>;
}

/**
 * Buys each symbol once, at the first decision time its price is known, with its weight of the equity then, and
 * never trades again. Symbols listing later are bought when they first print.
 */
export function buyAndHold(options: BuyAndHoldOptions = {}): Strategy {
  const bought = new Set<string>();
  const description: StrategyDescription = {
    name: 'buy-and-hold',
    params: options.weights ? { weights: { ...options.weights } } : { weights: 'equal' },
  };
  return {
    description,
    decide(ctx: StrategyContext) {
      const { view } = ctx;
      const symbols = view.symbols;
      const targets = new Map<string, number>();
      for (const symbol of symbols) {
        if (bought.has(symbol) || view.barCount(symbol) === 0) continue;
        const weight = options.weights ? (options.weights[symbol] ?? 0) : 1 / symbols.length;
        if (weight > 0) targets.set(symbol, weight);
        bought.add(symbol);
      }
      if (targets.size === 0) return;
      ctx.rebalanceToWeights(targets, 'buy and hold: initial allocation');
      ctx.recordDecision({
        targets: [...targets].map(([symbol, targetWeight]) => ({ symbol, targetWeight })),
      });
    },
  };
}

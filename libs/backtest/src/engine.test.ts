import { FillSchema, OrderSchema } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import type { BacktestConfig } from './config';
import { runBacktest } from './engine';
import { LookAheadError } from './errors';
import { BarFeed, type SymbolColumns } from './feed';
import { randomWalkFeed } from './random-walk';
import { canonicalResultJson } from './result';
import { smaCrossover } from './strategies/sma-crossover';
import type { OrderRequest, Strategy, StrategyContext } from './strategy';
import { feedOf, flat } from './test-support';

const frictionless: Partial<BacktestConfig> = {
  initialCash: 10_000,
  commission: { kind: 'none' },
  slippage: { kind: 'none' },
};

/** Submits the given orders at the first decision time only. */
function ordersAtFirstDecision(...requests: OrderRequest[]): Strategy & { ids: (string | undefined)[] } {
  let done = false;
  const ids: (string | undefined)[] = [];
  return {
    ids,
    description: { name: 'scripted', params: {} },
    decide(ctx: StrategyContext) {
      if (done) return;
      done = true;
      for (const r of requests) ids.push(ctx.submitOrder(r));
    },
  };
}

const tiny = () =>
  feedOf({
    AAA: [
      { open: 10, close: 10 },
      { open: 11, high: 12.5, low: 10.5, close: 12 },
      { open: 13, high: 13, low: 11.5, close: 12 },
    ],
  });

describe('runBacktest: execution timing', () => {
  it('fills an order decided at the close of t at the open of t+1 (hand-computed series)', async () => {
    const result = await runBacktest({
      feed: tiny(),
      strategy: ordersAtFirstDecision({ symbol: 'AAA', side: 'BUY', quantity: 100 }),
      config: frictionless,
    });
    expect(result.orders[0]?.submittedAt).toBe('2024-01-01T00:00:00.000Z');
    expect(result.fills).toHaveLength(1);
    expect(result.fills[0]).toMatchObject({ price: 11, quantity: 100, filledAt: '2024-01-02T00:00:00.000Z' });
    // cash 10,000 − 1,100 = 8,900; equity = 8,900 + 100 × close
    expect(result.equityCurve.map((p) => p.equity)).toEqual([10_000, 10_100, 10_100]);
    expect(result.equityCurve.map((p) => p.cash)).toEqual([10_000, 8_900, 8_900]);
    expect(result.equityCurve[1]?.exposure).toBeCloseTo(1200 / 10_100, 12);
    // Benchmark: 10,000 bought at the first close of 10 → 1,000 units.
    expect(result.equityCurve.map((p) => p.benchmark)).toEqual([10_000, 12_000, 12_000]);
    expect(result.finalPositions).toEqual([
      { symbol: 'AAA', quantity: 100, averagePrice: 11, marketPrice: 12 },
    ]);
  });

  it('applies slippage and commission at the fill', async () => {
    const result = await runBacktest({
      feed: tiny(),
      strategy: ordersAtFirstDecision({ symbol: 'AAA', side: 'BUY', quantity: 100 }),
      config: {
        ...frictionless,
        commission: { kind: 'flat', perTrade: 1 },
        slippage: { kind: 'fixed-bps', bps: 10 },
      },
    });
    expect(result.fills[0]?.price).toBeCloseTo(11.011, 12);
    expect(result.equityCurve[1]?.cash).toBeCloseTo(10_000 - 1101.1 - 1, 9);
  });

  it('uses only bars before the fill bar for volatility slippage', async () => {
    // Bar 0 range (11 − 9) / 10 = 20%; k = 0.1 → 2% slippage on the next open, whatever bar 1's own range.
    const feed = feedOf({
      AAA: [
        { open: 10, high: 11, low: 9, close: 10 },
        { open: 10, high: 30, low: 5, close: 10 },
      ],
    });
    const result = await runBacktest({
      feed,
      strategy: ordersAtFirstDecision({ symbol: 'AAA', side: 'BUY', quantity: 10 }),
      config: { ...frictionless, slippage: { kind: 'volatility', k: 0.1 } },
    });
    expect(result.fills[0]?.price).toBeCloseTo(10.2, 12);
  });

  it('matches a DAY limit on the next bar only, and a GTC limit whenever it trades through', async () => {
    const feed = feedOf({
      AAA: [
        { open: 10, close: 10 },
        { open: 10, high: 10.5, low: 9.5, close: 10 },
        { open: 10, high: 10, low: 8.5, close: 9 },
      ],
    });
    const result = await runBacktest({
      feed,
      strategy: ordersAtFirstDecision(
        { symbol: 'AAA', side: 'BUY', quantity: 10, type: 'LIMIT', limitPrice: 9 },
        { symbol: 'AAA', side: 'BUY', quantity: 5, type: 'LIMIT', limitPrice: 9, timeInForce: 'GTC' },
      ),
      config: frictionless,
    });
    expect(result.adjustments).toMatchObject([{ action: 'EXPIRED', clientOrderId: 'backtest-1' }]);
    expect(result.fills).toHaveLength(1);
    expect(result.fills[0]).toMatchObject({ clientOrderId: 'backtest-2', price: 9, quantity: 5 });
    expect(result.fills[0]?.filledAt).toBe('2024-01-03T00:00:00.000Z');
  });
});

describe('runBacktest: warm-up before tradeFrom', () => {
  it('shows warm-up bars to the strategy but trades, records and benchmarks only from tradeFrom', async () => {
    // 2024-01-01 (Mon) .. 2024-01-05 (Fri); trading starts on the 3rd bar (2024-01-03).
    const feed = feedOf({ AAA: flat([10, 20, 30, 33, 36]) });
    const seenOnStep: string[] = [];
    const decidedAt: string[] = [];
    const strategy: Strategy = {
      description: { name: 'warm-up probe', params: {} },
      onStep(view) {
        seenOnStep.push(view.asOf);
      },
      decide(ctx) {
        decidedAt.push(ctx.asOf);
        if (decidedAt.length === 1) ctx.submitOrder({ symbol: 'AAA', side: 'BUY', quantity: 100 });
      },
    };
    const result = await runBacktest({
      feed,
      strategy,
      config: { ...frictionless, tradeFrom: '2024-01-03T00:00:00.000Z' },
    });
    expect(seenOnStep).toHaveLength(5);
    expect(decidedAt).toEqual([
      '2024-01-03T00:00:00.000Z',
      '2024-01-04T00:00:00.000Z',
      '2024-01-05T00:00:00.000Z',
    ]);
    // The curve starts at the base point: the last warm-up close (01-02), where the account is all cash.
    expect(result.equityCurve.map((p) => p.ts.slice(0, 10))).toEqual([
      '2024-01-02',
      '2024-01-03',
      '2024-01-04',
      '2024-01-05',
    ]);
    // Bought 100 at the 01-04 open of 33: equity 10,000 → 10,000 + 100 × (36 − 33) on the last day.
    expect(result.fills[0]).toMatchObject({ price: 33, filledAt: '2024-01-04T00:00:00.000Z' });
    expect(result.equityCurve.map((p) => p.equity)).toEqual([10_000, 10_000, 10_000, 10_300]);
    // The benchmark buys at the base close (20), so the first trading day's move (20 → 30) is in its return.
    expect(result.equityCurve.map((p) => p.benchmark)).toEqual([10_000, 15_000, 16_500, 18_000]);
    expect(result.config.from).toBe('2024-01-03T00:00:00.000Z');
    expect(result.stats).toMatchObject({ steps: 3, warmupSteps: 2, symbolDays: 3 });
  });

  it('refuses a tradeFrom after the last bar', async () => {
    await expect(
      runBacktest({
        feed: tiny(),
        strategy: ordersAtFirstDecision(),
        config: { tradeFrom: '2030-01-01T00:00:00Z' },
      }),
    ).rejects.toThrow(/no bars at or after tradeFrom/);
  });
});

describe('runBacktest: look-ahead protection', () => {
  it('fails loudly when a strategy reads the next bar', async () => {
    const cheater: Strategy = {
      description: { name: 'cheater', params: {} },
      decide(ctx) {
        // Buy if tomorrow closes higher: only possible by peeking.
        if (ctx.view.close('AAA', -1) > ctx.view.close('AAA'))
          ctx.submitOrder({ symbol: 'AAA', side: 'BUY', quantity: 1 });
      },
    };
    await expect(runBacktest({ feed: tiny(), strategy: cheater, config: frictionless })).rejects.toThrow(
      LookAheadError,
    );
    const indexCheater: Strategy = {
      description: { name: 'index-cheater', params: {} },
      decide(ctx) {
        ctx.view.closeAt('AAA', ctx.view.barCount('AAA'));
      },
    };
    await expect(runBacktest({ feed: tiny(), strategy: indexCheater, config: frictionless })).rejects.toThrow(
      LookAheadError,
    );
  });

  it('takes the same decisions up to t whatever happens after t', async () => {
    const original = randomWalkFeed({ symbols: 6, days: 300, seed: 42 });
    const cut = 150;
    const otherFuture = randomWalkFeed({ symbols: 6, days: 300, seed: 4242 });
    // Same bars up to `cut`, a different path afterwards (scaled to join the original's level).
    const altered = new BarFeed(
      original.series.map((s, k): SymbolColumns => {
        const o = otherFuture.series[k] as SymbolColumns;
        const scale = (s.close[cut] as number) / (o.close[cut] as number);
        const splice = (a: Float64Array, b: Float64Array, f: number) =>
          Float64Array.from(a, (x, i) => (i <= cut ? x : (b[i] as number) * f));
        return {
          symbol: s.symbol,
          ts: s.ts,
          open: splice(s.open, o.open, scale),
          high: splice(s.high, o.high, scale),
          low: splice(s.low, o.low, scale),
          close: splice(s.close, o.close, scale),
          volume: splice(s.volume, o.volume, 1),
        };
      }),
      original.metadata,
    );
    const config = { slippage: { kind: 'volatility', k: 0.2 } } as const;
    const a = await runBacktest({ feed: original, strategy: smaCrossover({ fast: 5, slow: 20 }), config });
    const b = await runBacktest({ feed: altered, strategy: smaCrossover({ fast: 5, slow: 20 }), config });
    const t = original.timestamps[cut] as string;
    const upTo = <T>(items: T[], ts: (x: T) => string) => items.filter((x) => ts(x) <= t);
    expect(upTo(a.decisions, (d) => d.ts).length).toBeGreaterThan(5);
    expect(upTo(b.decisions, (d) => d.ts)).toEqual(upTo(a.decisions, (d) => d.ts));
    expect(upTo(b.orders, (o) => o.submittedAt)).toEqual(upTo(a.orders, (o) => o.submittedAt));
    expect(upTo(b.fills, (f) => f.filledAt)).toEqual(upTo(a.fills, (f) => f.filledAt));
    expect(b.equityCurve.slice(0, cut + 1)).toEqual(a.equityCurve.slice(0, cut + 1));
    // ...and the futures really differ.
    expect(b.equityCurve.at(-1)?.equity).not.toBe(a.equityCurve.at(-1)?.equity);
  });
});

describe('runBacktest: pre-trade and fill-time checks', () => {
  it('resizes a buy to the per-symbol weight limit', async () => {
    const result = await runBacktest({
      feed: tiny(),
      strategy: ordersAtFirstDecision({ symbol: 'AAA', side: 'BUY', quantity: 1000 }),
      config: { ...frictionless, maxWeightPerSymbol: 0.25 },
    });
    // 25% of 10,000 at the decision close of 10 = 250 shares.
    expect(result.orders[0]?.quantity).toBe(250);
    expect(result.adjustments[0]).toMatchObject({
      action: 'RESIZED',
      requestedQuantity: 1000,
      allowedQuantity: 250,
    });
  });

  it('keeps the second buy within the cash left (no margin) and the gross limit', async () => {
    const feed = feedOf({ AAA: flat([10, 10, 10]), BBB: flat([20, 20, 20]) });
    const result = await runBacktest({
      feed,
      strategy: ordersAtFirstDecision(
        { symbol: 'AAA', side: 'BUY', quantity: 600 },
        { symbol: 'BBB', side: 'BUY', quantity: 400 },
      ),
      config: frictionless,
    });
    // AAA uses 6,000; 4,000 left buys 200 BBB at 20.
    expect(result.orders.map((o) => o.quantity)).toEqual([600, 200]);
    expect(result.equityCurve.at(-1)?.cash).toBe(0);
    expect(result.equityCurve.at(-1)?.exposure).toBe(1);
  });

  it('resizes at the fill when the open gaps above the decision close', async () => {
    const feed = feedOf({
      AAA: [
        { open: 10, close: 10 },
        { open: 11, close: 11 },
      ],
    });
    const result = await runBacktest({
      feed,
      strategy: ordersAtFirstDecision({ symbol: 'AAA', side: 'BUY', quantity: 1000 }),
      config: frictionless,
    });
    expect(result.orders[0]?.quantity).toBe(1000);
    expect(result.fills[0]?.quantity).toBe(909); // floor(10,000 / 11)
    expect(result.adjustments[0]).toMatchObject({ action: 'RESIZED', allowedQuantity: 909 });
  });

  it('refuses a sell without holdings when shorting is off', async () => {
    const strategy = ordersAtFirstDecision({ symbol: 'AAA', side: 'SELL', quantity: 10 });
    const result = await runBacktest({ feed: tiny(), strategy, config: frictionless });
    expect(strategy.ids).toEqual([undefined]);
    expect(result.orders).toEqual([]);
    expect(result.adjustments[0]).toMatchObject({ action: 'REJECTED', reason: 'no short selling' });
  });

  it('opens a short when allowed and charges the borrow fee per step', async () => {
    const feed = feedOf({ AAA: flat([100, 100, 90]) });
    const result = await runBacktest({
      feed,
      strategy: ordersAtFirstDecision({ symbol: 'AAA', side: 'SELL', quantity: 10 }),
      config: { ...frictionless, allowShort: true, borrowRateAnnual: 0.0252 },
    });
    // Short 10 @100 on day 1: fee 1,000 × 0.0252 / 252 = 0.10 on day 1, 900 × 0.0001 = 0.09 on day 2.
    expect(result.equityCurve[1]?.equity).toBeCloseTo(10_000 - 0.1, 10);
    expect(result.equityCurve[2]?.equity).toBeCloseTo(10_000 + 100 - 0.19, 10);
  });
});

describe('runBacktest: schedule, progress and reproducibility', () => {
  it('decides on the first trading day of each week or month', async () => {
    const count = async (rebalance: BacktestConfig['rebalance']) => {
      const seen: string[] = [];
      await runBacktest({
        feed: feedOf({ AAA: flat(Array.from({ length: 30 }, (_, i) => 10 + i)) }),
        strategy: { description: { name: 'probe', params: {} }, decide: (ctx) => void seen.push(ctx.asOf) },
        config: { rebalance },
      });
      return seen;
    };
    expect(await count('daily')).toHaveLength(30);
    // 30 weekdays from Monday 2024-01-01: six weeks, Mondays.
    expect(await count('weekly')).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-01-08T00:00:00.000Z',
      '2024-01-15T00:00:00.000Z',
      '2024-01-22T00:00:00.000Z',
      '2024-01-29T00:00:00.000Z',
      '2024-02-05T00:00:00.000Z',
    ]);
    expect(await count('monthly')).toEqual(['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z']);
  });

  it('reports progress', async () => {
    const progress: number[] = [];
    await runBacktest({
      feed: randomWalkFeed({ symbols: 2, days: 100, seed: 1 }),
      strategy: smaCrossover({ fast: 5, slow: 10 }),
      progressEvery: 40,
      onProgress: (p) => progress.push(p.step),
    });
    expect(progress).toEqual([40, 80, 100]);
  });

  it('gives byte-identical canonical JSON for the same config and data', async () => {
    const run = () =>
      runBacktest({
        feed: randomWalkFeed({ symbols: 8, days: 250, seed: 3 }),
        strategy: smaCrossover({ fast: 10, slow: 30 }),
        config: { slippage: { kind: 'volume', impactCoefficient: 0.1 } },
      });
    const [a, b] = [await run(), await run()];
    expect(a.fills.length).toBeGreaterThan(10);
    expect(canonicalResultJson(a)).toBe(canonicalResultJson(b));
    expect(canonicalResultJson(a)).not.toContain('wallMs');
    // Orders and fills are valid contract messages (what the paper broker and the bus carry).
    for (const order of a.orders) OrderSchema.parse(order);
    for (const fill of a.fills) FillSchema.parse(fill);
  });

  it('keeps the books consistent: final equity = cash + Σ quantity × last close', async () => {
    const feed = randomWalkFeed({ symbols: 5, days: 250, seed: 9 });
    const result = await runBacktest({ feed, strategy: smaCrossover({ fast: 5, slow: 15 }) });
    const last = result.equityCurve.at(-1);
    const held = result.finalPositions.reduce((sum, p) => sum + p.quantity * p.marketPrice, 0);
    expect(last?.equity).toBeCloseTo((last?.cash ?? 0) + held, 6);
    expect(last?.cash).toBeGreaterThanOrEqual(0);
    for (const point of result.equityCurve) expect(point.exposure).toBeLessThanOrEqual(1 + 1e-9);
  });
});

describe('runBacktest: cash dividends and benchmarks', () => {
  // AAA pays $1 with ex-date on bar 3 (2024-01-03): every earlier adjusted close is scaled by 1 − 1/20.
  const factor = 1 - 1 / 20;
  const paying = [
    { open: 20, close: 20, adjClose: 20 * factor },
    { open: 20, close: 20, adjClose: 20 * factor },
    { open: 19, close: 19, adjClose: 19 },
    { open: 19, close: 21, adjClose: 21 },
  ];
  const buyAtFirstDecision = () => ordersAtFirstDecision({ symbol: 'AAA', side: 'BUY', quantity: 100 });

  it('credits the dividend on shares held at the close before the ex-date, and to the benchmark', async () => {
    const result = await runBacktest({
      feed: feedOf({ AAA: paying }),
      strategy: buyAtFirstDecision(),
      config: { ...frictionless, benchmark: { kind: 'symbol', symbol: 'AAA' } },
    });
    // Bought 100 at the 01-02 open (20); held at the 01-02 close, so the 01-03 ex-date pays 100 × $1.
    expect(result.dividends).toBe(100);
    expect(result.equityCurve.map((p) => p.equity)).toEqual([10_000, 10_000, 10_000, 10_200]);
    // Benchmark: 500 units bought at the first close (20); +$500 of dividends on the ex-date.
    expect(result.equityCurve.map((p) => p.benchmark)).toEqual([10_000, 10_000, 10_000, 11_000]);
  });

  it('gives price-only returns with creditDividends off, and equal results for a stock without dividends', async () => {
    const priceOnly = await runBacktest({
      feed: feedOf({ AAA: paying }),
      strategy: buyAtFirstDecision(),
      config: { ...frictionless, creditDividends: false },
    });
    expect(priceOnly.dividends).toBe(0);
    expect(priceOnly.equityCurve.at(-1)?.equity).toBe(10_100);
    const noDividends = paying.map(({ open, close }) => ({ open, close, adjClose: close }));
    const [on, off] = await Promise.all(
      [true, false].map((creditDividends) =>
        runBacktest({
          feed: feedOf({ AAA: noDividends }),
          strategy: buyAtFirstDecision(),
          config: { ...frictionless, creditDividends },
        }),
      ),
    );
    expect(on?.dividends).toBe(0);
    expect(on?.equityCurve).toEqual(off?.equityCurve);
    expect(on?.fills).toEqual(off?.fills);
  });

  it('values an outside benchmark series from the base close, without trading it', async () => {
    const result = await runBacktest({
      feed: feedOf({ AAA: flat([10, 10, 10, 10]) }),
      strategy: buyAtFirstDecision(),
      config: {
        ...frictionless,
        tradeFrom: '2024-01-02T00:00:00.000Z',
        benchmark: {
          kind: 'series',
          symbol: 'IDX',
          ts: ['2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z', '2024-01-04T00:00:00.000Z'],
          value: [200, 210, 190],
        },
      },
    });
    // Base 01-01 (200); 01-03 has no point, so it keeps 01-02's value.
    expect(result.equityCurve.map((p) => p.benchmark)).toEqual([10_000, 10_500, 10_500, 9_500]);
    expect(result.fills.every((f) => f.symbol === 'AAA')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { flatCommission, noCommission } from '../commission';
import { MapSizingBook } from './book';
import { CASH_ACCOUNT_LIMITS, EXACT_SIZING_POLICY, TEAM_SIZING_POLICY } from './limits';
import { ordersForTargetWeights } from './target-orders';

const book = (options: {
  cash: number;
  held?: Record<string, number>;
  pending?: Record<string, number>;
  prices: Record<string, number>;
}) => {
  const held = new Map(Object.entries(options.held ?? {}));
  const prices = new Map(Object.entries(options.prices));
  let value = 0;
  for (const [symbol, quantity] of held) value += quantity * (prices.get(symbol) ?? 0);
  return new MapSizingBook({
    equity: options.cash + value,
    cash: options.cash,
    held,
    pending: new Map(Object.entries(options.pending ?? {})),
    prices,
  });
};
const weights = (w: Record<string, number>) => new Map(Object.entries(w));

describe('ordersForTargetWeights', () => {
  it('sells first, then buys, each in symbol order, truncating to whole shares', () => {
    const result = ordersForTargetWeights({
      book: book({ cash: 1_000, held: { ZZZ: 100, AAA: 10 }, prices: { ZZZ: 10, AAA: 10, MMM: 3 } }),
      weights: weights({ MMM: 0.5, ZZZ: 0, AAA: 0 }),
      limits: CASH_ACCOUNT_LIMITS,
      commission: noCommission,
      policy: EXACT_SIZING_POLICY,
    });
    // Equity 2,100: MMM 0.5 × 2,100 / 3 = 350 shares; the two exits come first, alphabetically.
    expect(result.orders.map((o) => [o.side, o.symbol, o.quantity])).toEqual([
      ['SELL', 'AAA', 10],
      ['SELL', 'ZZZ', 100],
      ['BUY', 'MMM', 350],
    ]);
    expect(result.notes).toEqual([]);
  });

  it('clips to the per-symbol limit and scales to the gross limit', () => {
    const result = ordersForTargetWeights({
      book: book({ cash: 10_000, prices: { AAA: 10, BBB: 10 } }),
      weights: weights({ AAA: 0.9, BBB: 0.6 }),
      limits: { ...CASH_ACCOUNT_LIMITS, maxWeightPerSymbol: 0.6 },
      commission: noCommission,
      policy: EXACT_SIZING_POLICY,
    });
    // 0.9 → 0.6; gross 1.2 scaled to 1: 0.5 each.
    expect(result.orders.map((o) => o.quantity)).toEqual([500, 500]);
  });

  it('trades from the projected holding (held + pending), not the held one', () => {
    const result = ordersForTargetWeights({
      book: book({ cash: 1_000, pending: { AAA: 40 }, prices: { AAA: 10 } }),
      weights: weights({ AAA: 0.5 }),
      limits: CASH_ACCOUNT_LIMITS,
      commission: noCommission,
      policy: EXACT_SIZING_POLICY,
    });
    expect(result.orders.map((o) => o.quantity)).toEqual([10]);
  });

  it('skips changes under the minimum weight change but always exits', () => {
    const result = ordersForTargetWeights({
      book: book({ cash: 9_000, held: { AAA: 50, BBB: 50 }, prices: { AAA: 10, BBB: 10 } }),
      weights: weights({ AAA: 0.052, BBB: 0 }),
      limits: CASH_ACCOUNT_LIMITS,
      commission: noCommission,
      policy: TEAM_SIZING_POLICY,
    });
    // AAA is 5% of 10,000 and would move to 5.2%: below half a percent, skipped. BBB exits.
    expect(result.orders.map((o) => [o.side, o.symbol, o.quantity])).toEqual([['SELL', 'BBB', 50]]);
    expect(result.notes).toEqual([
      expect.objectContaining({
        symbol: 'AAA',
        action: 'SKIPPED',
        reason: expect.stringMatching(/below 0.005/),
      }),
    ]);
  });

  it('funds buys with the estimated proceeds of the sells, keeping the gap allowance in reserve', () => {
    const commission = flatCommission(1);
    const result = ordersForTargetWeights({
      book: book({ cash: 0, held: { AAA: 100 }, prices: { AAA: 10, BBB: 10 } }),
      weights: weights({ AAA: 0, BBB: 1 }),
      limits: CASH_ACCOUNT_LIMITS,
      commission,
      policy: { minWeightChange: 0, gapAllowance: 0.01 },
    });
    // Sale proceeds 1,000 − 1 = 999; each BBB share reserves 10.10 plus a 1.00 fee: ⌊998 / 10.1⌋ = 98 shares.
    expect(result.orders.map((o) => [o.side, o.symbol, o.quantity])).toEqual([
      ['SELL', 'AAA', 100],
      ['BUY', 'BBB', 98],
    ]);
    expect(result.orders[1]?.cashEstimate).toBeCloseTo(-(98 * 10.1 + 1), 9);
    expect(result.notes).toEqual([
      {
        symbol: 'BBB',
        side: 'BUY',
        action: 'RESIZED',
        requestedQuantity: 100,
        allowedQuantity: 98,
        reason: 'cash available (no margin)',
        order: 1,
      },
    ]);
  });

  it('rejects what the limits leave no whole share of, and skips symbols without a price', () => {
    const result = ordersForTargetWeights({
      book: book({ cash: 5, prices: { AAA: 10 } }),
      weights: weights({ AAA: 1, BBB: 0.5 }),
      limits: CASH_ACCOUNT_LIMITS,
      commission: noCommission,
      policy: EXACT_SIZING_POLICY,
    });
    expect(result.orders).toEqual([]);
    expect(result.notes.map((n) => [n.symbol, n.action, n.reason])).toEqual([
      ['BBB', 'SKIPPED', 'no price at the decision close'],
    ]);
  });

  it('with shorting allowed sells below zero within the per-symbol limit', () => {
    const result = ordersForTargetWeights({
      book: book({ cash: 10_000, prices: { AAA: 10 } }),
      weights: weights({ AAA: -0.8 }),
      limits: { ...CASH_ACCOUNT_LIMITS, allowShort: true, maxWeightPerSymbol: 0.5 },
      commission: noCommission,
      policy: EXACT_SIZING_POLICY,
    });
    expect(result.orders.map((o) => [o.side, o.quantity])).toEqual([['SELL', 500]]);
  });
});

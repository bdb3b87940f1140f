import type { Order } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { flatCommission } from './commission';
import { type MatchingBar, matchOrder } from './matching';
import { fixedBpsSlippage, noSlippage } from './slippage';

const bar: MatchingBar = {
  ts: '2024-01-03T00:00:00.000Z',
  open: 100,
  high: 105,
  low: 95,
  close: 102,
  volume: 1e6,
};
const order = (over: Partial<Order>): Order => ({
  clientOrderId: 'o-1',
  symbol: 'AAPL',
  side: 'BUY',
  type: 'MARKET',
  quantity: 10,
  timeInForce: 'DAY',
  submittedAt: '2024-01-02T00:00:00.000Z',
  ...over,
});
const tenBp = { commission: flatCommission(1), slippage: fixedBpsSlippage(10) };

describe('matchOrder: MARKET', () => {
  it('buys at the open plus slippage and charges commission', () => {
    const fill = matchOrder(order({}), bar, tenBp);
    expect(fill?.price).toBeCloseTo(100.1, 12);
    expect(fill?.slippage).toBeCloseTo(1, 10); // 0.10 × 10 shares
    expect(fill?.commission).toBe(1);
    expect(fill?.filledAt).toBe(bar.ts);
    expect(fill?.fillId).toBe('o-1@2024-01-03T00:00:00.000Z');
  });
  it('sells at the open minus slippage', () => {
    expect(matchOrder(order({ side: 'SELL' }), bar, tenBp)?.price).toBeCloseTo(99.9, 12);
  });
});

describe('matchOrder: LIMIT', () => {
  const models = { commission: flatCommission(0), slippage: fixedBpsSlippage(10) };
  it('buy fills at the limit when the low trades through it, without slippage', () => {
    expect(matchOrder(order({ type: 'LIMIT', limitPrice: 97 }), bar, models)?.price).toBe(97);
  });
  it('buy fills at the better open when the bar gaps below the limit', () => {
    expect(matchOrder(order({ type: 'LIMIT', limitPrice: 101 }), bar, models)?.price).toBe(100);
  });
  it('buy does not fill when the low stays above the limit', () => {
    expect(matchOrder(order({ type: 'LIMIT', limitPrice: 94.99 }), bar, models)).toBeUndefined();
  });
  it('sell fills at max(open, limit) when the high reaches the limit', () => {
    expect(matchOrder(order({ side: 'SELL', type: 'LIMIT', limitPrice: 104 }), bar, models)?.price).toBe(104);
    expect(matchOrder(order({ side: 'SELL', type: 'LIMIT', limitPrice: 99 }), bar, models)?.price).toBe(100);
    expect(
      matchOrder(order({ side: 'SELL', type: 'LIMIT', limitPrice: 105.01 }), bar, models),
    ).toBeUndefined();
  });
});

describe('matchOrder: STOP', () => {
  it('buy stop triggers when the high reaches it, at max(open, stop) plus slippage', () => {
    const fill = matchOrder(order({ type: 'STOP', stopPrice: 103 }), bar, tenBp);
    expect(fill?.price).toBeCloseTo(103 * 1.001, 12);
    expect(
      matchOrder(order({ type: 'STOP', stopPrice: 98 }), bar, { ...tenBp, slippage: noSlippage })?.price,
    ).toBe(100); // gapped above the stop: the open
    expect(matchOrder(order({ type: 'STOP', stopPrice: 105.5 }), bar, tenBp)).toBeUndefined();
  });
  it('sell stop triggers when the low reaches it, at min(open, stop) minus slippage', () => {
    const noSlip = { ...tenBp, slippage: noSlippage };
    expect(matchOrder(order({ side: 'SELL', type: 'STOP', stopPrice: 96 }), bar, noSlip)?.price).toBe(96);
    expect(matchOrder(order({ side: 'SELL', type: 'STOP', stopPrice: 101 }), bar, noSlip)?.price).toBe(100);
    expect(matchOrder(order({ side: 'SELL', type: 'STOP', stopPrice: 94 }), bar, noSlip)).toBeUndefined();
  });
});

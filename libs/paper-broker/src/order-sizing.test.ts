import { noCommission, perShareCommission } from '@ats/execution';
import { describe, expect, it } from 'vitest';
import { cycleOrderId, GAP_ALLOWANCE, ordersForTargets } from './order-sizing';

const ASOF = '2023-02-01T00:00:00.000Z';
const base = {
  runId: 'r1',
  correlationId: 'r1:c',
  asOf: ASOF,
  commission: noCommission,
  priceOf: (s: string) => ({ AAPL: 100, MSFT: 250, NVDA: 50 })[s],
};
const target = (symbol: string, targetWeight: number) => ({
  symbol,
  targetWeight,
  score: 0.4,
  reasoning: '',
});

describe('ordersForTargets', () => {
  it('sells before buying, in whole shares of target weight × equity / close', () => {
    const { orders, skipped } = ordersForTargets({
      ...base,
      targets: [target('AAPL', 0.3), target('MSFT', 0), target('NVDA', 0.2)],
      portfolio: {
        asOf: ASOF,
        cash: 50_000,
        equity: 100_000,
        positions: [{ symbol: 'MSFT', quantity: 200, averagePrice: 240, realizedPnl: 0 }],
      },
    });
    expect(skipped).toEqual([]);
    expect(orders.map((o) => [o.symbol, o.side, o.quantity])).toEqual([
      ['MSFT', 'SELL', 200],
      ['AAPL', 'BUY', 300],
      ['NVDA', 'BUY', 400],
    ]);
    expect(orders[0]).toMatchObject({
      clientOrderId: cycleOrderId('r1', ASOF, 'MSFT'),
      type: 'MARKET',
      timeInForce: 'DAY',
      submittedAt: ASOF,
      correlationId: 'r1:c',
    });
  });

  it('cuts buys to the cash left after commission and the gap allowance, and skips tiny changes', () => {
    const commission = perShareCommission({ perShare: 0.005, minimum: 1 });
    const { orders, skipped } = ordersForTargets({
      ...base,
      commission,
      targets: [target('AAPL', 0.9), target('NVDA', 0.504)],
      portfolio: {
        asOf: ASOF,
        cash: 10_000,
        equity: 20_000,
        positions: [{ symbol: 'NVDA', quantity: 200, averagePrice: 50, realizedPnl: 0 }],
      },
    });
    const affordable = Math.floor((10_000 - 1) / (100 * (1 + GAP_ALLOWANCE)));
    expect(orders.map((o) => [o.symbol, o.quantity])).toEqual([['AAPL', affordable]]);
    expect(skipped).toEqual([{ symbol: 'NVDA', reason: 'change below 0.005 of equity' }]);
  });

  it('gives the same ids when a cycle is re-run', () => {
    const input = {
      ...base,
      targets: [target('AAPL', 0.5)],
      portfolio: { asOf: ASOF, cash: 1000, equity: 1000, positions: [] },
    };
    expect(ordersForTargets(input).orders).toEqual(ordersForTargets(input).orders);
  });
});

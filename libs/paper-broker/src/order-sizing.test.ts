import {
  CASH_ACCOUNT_LIMITS,
  MapSizingBook,
  noCommission,
  ordersForTargetWeights,
  TEAM_SIZING_POLICY,
} from '@ats/execution';
import { describe, expect, it } from 'vitest';
import { cycleOrderId, cycleOrders } from './order-sizing';

const ASOF = '2023-02-01T00:00:00.000Z';

describe('cycleOrders', () => {
  it('turns the sizing model’s orders into market DAY orders with cycle ids, sells first', () => {
    const sized = ordersForTargetWeights({
      book: new MapSizingBook({
        equity: 100_000,
        cash: 50_000,
        held: new Map([['MSFT', 200]]),
        prices: new Map([
          ['AAPL', 100],
          ['MSFT', 250],
        ]),
      }),
      weights: new Map([
        ['AAPL', 0.3],
        ['MSFT', 0],
      ]),
      limits: CASH_ACCOUNT_LIMITS,
      commission: noCommission,
      policy: TEAM_SIZING_POLICY,
      reason: 'team',
    });
    const orders = cycleOrders(sized, { runId: 'r1', correlationId: 'r1:c', asOf: ASOF });
    expect(orders).toEqual([
      {
        clientOrderId: 'r1:20230201T000000000Z:MSFT',
        symbol: 'MSFT',
        side: 'SELL',
        type: 'MARKET',
        quantity: 200,
        timeInForce: 'DAY',
        submittedAt: ASOF,
        runId: 'r1',
        correlationId: 'r1:c',
        reason: 'team',
      },
      expect.objectContaining({ symbol: 'AAPL', side: 'BUY', quantity: 300 }),
    ]);
  });

  it('gives a re-run cycle the same order ids', () => {
    expect(cycleOrderId('r1', ASOF, 'AAPL')).toBe(cycleOrderId('r1', ASOF, 'AAPL'));
    expect(cycleOrderId('r1', ASOF, 'AAPL')).not.toBe(cycleOrderId('r1', ASOF, 'MSFT'));
  });
});

import { describe, expect, it } from 'vitest';
import { noCommission } from '../commission';
import { MapSizingBook } from './book';
import { CASH_ACCOUNT_LIMITS } from './limits';
import { preTradeCheck } from './pre-trade';

const book = () =>
  new MapSizingBook({
    equity: 10_000,
    cash: 5_000,
    held: new Map([['AAA', 250]]),
    prices: new Map([
      ['AAA', 20],
      ['BBB', 50],
    ]),
  });

describe('preTradeCheck', () => {
  it('cuts a buy to the room left under gross exposure and names the limit', () => {
    const outcome = preTradeCheck(
      { symbol: 'BBB', side: 'BUY', quantity: 150 },
      book(),
      CASH_ACCOUNT_LIMITS,
      noCommission,
    );
    expect(outcome).toEqual({ quantity: 100, reference: 50, reasons: ['max gross exposure 1'] });
  });

  it('prices buys above the close by the gap allowance', () => {
    const outcome = preTradeCheck(
      { symbol: 'BBB', side: 'BUY', quantity: 150 },
      book(),
      CASH_ACCOUNT_LIMITS,
      noCommission,
      0.01,
    );
    expect(outcome.quantity).toBe(99); // 5,000 / 50.50
  });

  it('refuses a short sale in a cash account and a symbol with no price', () => {
    const limits = CASH_ACCOUNT_LIMITS;
    expect(
      preTradeCheck({ symbol: 'AAA', side: 'SELL', quantity: 300 }, book(), limits, noCommission).quantity,
    ).toBe(250);
    expect(preTradeCheck({ symbol: 'CCC', side: 'BUY', quantity: 1 }, book(), limits, noCommission)).toEqual({
      quantity: 0,
      reference: Number.NaN,
      reasons: ['no price known yet'],
    });
  });

  it('keeps the per-symbol weight limit on the projected holding', () => {
    const limits = { ...CASH_ACCOUNT_LIMITS, maxWeightPerSymbol: 0.6 };
    // AAA holds 5,000 of 10,000; the limit allows 6,000: 50 more shares at 20.
    const outcome = preTradeCheck(
      { symbol: 'AAA', side: 'BUY', quantity: 200 },
      book(),
      limits,
      noCommission,
    );
    expect(outcome.quantity).toBe(50);
    expect(outcome.reasons).toEqual(['max weight 0.6 per symbol']);
  });
});

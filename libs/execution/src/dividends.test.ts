import { describe, expect, it } from 'vitest';
import { cashDividendsFromAdjustedClose } from './dividends';
import { PortfolioLedger } from './ledger';

describe('cashDividendsFromAdjustedClose', () => {
  it('recovers a dividend from the step of adjClose / close on the ex-date', () => {
    // A $1 dividend with ex-date on bar 2: every earlier adjusted close is scaled by (1 − 1 / 100).
    const close = [99, 100, 98.5, 99];
    const factorBefore = 1 - 1 / 100;
    const adjClose = [99 * factorBefore, 100 * factorBefore, 98.5, 99];
    expect([...cashDividendsFromAdjustedClose(close, adjClose)]).toEqual([0, 0, 1, 0]);
  });

  it('ignores six-decimal rounding noise, downward factor steps and missing adjusted closes', () => {
    const close = [0.4, 0.41, 0.42, 10, 10];
    // 0.4 → factor noise of ~1e-6 relative from rounding adjClose to 6 decimals.
    const adjClose = [0.399999, 0.41, 0.420001, Number.NaN, 10.5];
    expect([...cashDividendsFromAdjustedClose(close, adjClose)]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('PortfolioLedger.creditDividend', () => {
  it('credits longs, charges shorts, and ignores flat books', () => {
    const ledger = new PortfolioLedger({ initialCash: 1_000, allowShort: true });
    expect(ledger.creditDividend('AAPL', 0.5)).toBe(0);
    ledger.applyFill({
      fillId: 'f1',
      clientOrderId: 'o1',
      symbol: 'AAPL',
      side: 'BUY',
      quantity: 10,
      price: 50,
      commission: 0,
      slippage: 0,
      filledAt: '2025-01-02T00:00:00.000Z',
    });
    ledger.applyFill({
      fillId: 'f2',
      clientOrderId: 'o2',
      symbol: 'XOM',
      side: 'SELL',
      quantity: 4,
      price: 100,
      commission: 0,
      slippage: 0,
      filledAt: '2025-01-02T00:00:00.000Z',
    });
    expect(ledger.creditDividend('AAPL', 0.25)).toBe(2.5);
    expect(ledger.creditDividend('XOM', 1)).toBe(-4);
    expect(ledger.cash).toBe(1_000 - 500 + 400 + 2.5 - 4);
    expect(ledger.dividendsReceived).toBe(-1.5);
  });
});

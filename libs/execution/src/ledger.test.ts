import type { Fill } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { InvalidFillError } from './errors';
import { PortfolioLedger } from './ledger';

let seq = 0;
const fill = (side: 'BUY' | 'SELL', quantity: number, price: number, commission = 0, day = 1): Fill => ({
  fillId: `f${++seq}`,
  clientOrderId: `o${seq}`,
  symbol: 'AAPL',
  side,
  quantity,
  price,
  commission,
  slippage: 0,
  filledAt: `2024-01-${String(day).padStart(2, '0')}T00:00:00.000Z`,
});

describe('PortfolioLedger: long book', () => {
  it('books buys and sells with average price, FIFO round trips and cash', () => {
    const ledger = new PortfolioLedger({ initialCash: 10_000 });
    ledger.applyFill(fill('BUY', 10, 100, 1, 1), 0); // cash 10,000 − 1,000 − 1 = 8,999
    ledger.applyFill(fill('BUY', 10, 110, 1, 2), 1); // cash 8,999 − 1,100 − 1 = 7,898
    expect(ledger.cash).toBeCloseTo(7898, 10);
    expect(ledger.positions()[0]?.averagePrice).toBeCloseTo(105, 12);

    // Sell 15 at 120 with 1.5 commission (0.1/share): closes lot 1 (10 @100) and 5 of lot 2 (@110).
    const closed = ledger.applyFill(fill('SELL', 15, 120, 1.5, 5), 4);
    expect(closed).toHaveLength(2);
    // lot 1: (120 − 100) × 10 = 200; commissions 10 × 0.1 (entry) + 10 × 0.1 (exit) = 2 → 198
    expect(closed[0]).toMatchObject({
      side: 'LONG',
      quantity: 10,
      entryPrice: 100,
      exitPrice: 120,
      holdingBars: 4,
    });
    expect(closed[0]?.pnl).toBeCloseTo(198, 10);
    expect(closed[0]?.commission).toBeCloseTo(2, 10);
    expect(closed[0]?.returnPct).toBeCloseTo(0.198, 12);
    // lot 2 part: (120 − 110) × 5 = 50; commissions 5 × 0.1 + 5 × 0.1 = 1 → 49
    expect(closed[1]?.pnl).toBeCloseTo(49, 10);
    expect(closed[1]?.holdingBars).toBe(3);
    expect(ledger.cash).toBeCloseTo(7898 + 1800 - 1.5, 10);
    expect(ledger.quantity('AAPL')).toBe(5);
    expect(ledger.positions()[0]?.averagePrice).toBeCloseTo(110, 12);
    expect(ledger.realizedPnl).toBeCloseTo(247, 10);

    // Equity at 130 = cash 9,696.5 + 5 × 130 = 10,346.5
    // = initial 10,000 + realized 247 + unrealized (130 − 110) × 5 = 100 − open-lot commission 5 × 0.1 = 0.5
    const mark = () => 130;
    expect(ledger.equity(mark)).toBeCloseTo(10_346.5, 10);
    expect(ledger.equity(mark)).toBeCloseTo(10_000 + 247 + 100 - 0.5, 10);
    expect(ledger.commissionsPaid).toBeCloseTo(3.5, 12);
  });

  it('rejects a sell beyond the holding when shorting is off, leaving the book untouched', () => {
    const ledger = new PortfolioLedger({ initialCash: 1000 });
    ledger.applyFill(fill('BUY', 5, 100));
    expect(() => ledger.applyFill(fill('SELL', 6, 100))).toThrow(InvalidFillError);
    expect(ledger.quantity('AAPL')).toBe(5);
    expect(ledger.cash).toBe(500);
  });

  it('removes a fully closed position from positions()', () => {
    const ledger = new PortfolioLedger({ initialCash: 1000 });
    ledger.applyFill(fill('BUY', 5, 100));
    ledger.applyFill(fill('SELL', 5, 90));
    expect(ledger.positions()).toEqual([]);
    expect(ledger.trades[0]?.pnl).toBeCloseTo(-50, 12);
    expect(ledger.equity(() => undefined)).toBeCloseTo(950, 12);
  });
});

describe('PortfolioLedger: shorts and borrow fees', () => {
  it('opens a short, charges borrow per trading day, and books a SHORT round trip', () => {
    const ledger = new PortfolioLedger({ initialCash: 10_000, allowShort: true, borrowRateAnnual: 0.0252 });
    ledger.applyFill(fill('SELL', 10, 100), 0); // proceeds credited: cash 11,000
    expect(ledger.cash).toBe(11_000);
    expect(ledger.quantity('AAPL')).toBe(-10);
    // short value 10 × 100 = 1,000; 2.52% / 252 = 0.01% per day → 0.10 per day
    expect(ledger.accrueBorrowFee(() => 100)).toBeCloseTo(0.1, 12);
    expect(ledger.equity(() => 90)).toBeCloseTo(11_000 - 0.1 - 900, 10);
    const closed = ledger.applyFill(fill('BUY', 10, 90), 2);
    expect(closed[0]).toMatchObject({
      side: 'SHORT',
      quantity: 10,
      entryPrice: 100,
      exitPrice: 90,
      holdingBars: 2,
    });
    expect(closed[0]?.pnl).toBeCloseTo(100, 12);
    expect(ledger.cash).toBeCloseTo(10_099.9, 10);
  });

  it('flips from long to short through zero in one fill', () => {
    const ledger = new PortfolioLedger({ initialCash: 10_000, allowShort: true });
    ledger.applyFill(fill('BUY', 10, 100));
    const closed = ledger.applyFill(fill('SELL', 15, 110));
    expect(closed).toHaveLength(1);
    expect(closed[0]?.pnl).toBeCloseTo(100, 12);
    expect(ledger.quantity('AAPL')).toBe(-5);
    expect(ledger.positions()[0]?.averagePrice).toBe(110);
    expect(ledger.grossExposure(() => 110)).toBeCloseTo(550, 12);
    expect(ledger.marketValue(() => 110)).toBeCloseTo(-550, 12);
  });

  it('refuses to mark a held symbol without a price', () => {
    const ledger = new PortfolioLedger({ initialCash: 1000 });
    ledger.applyFill(fill('BUY', 1, 100));
    expect(() => ledger.equity(() => undefined)).toThrow(RangeError);
  });
});

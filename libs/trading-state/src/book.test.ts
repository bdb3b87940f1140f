import type { Fill } from '@ats/contracts';
import { InvalidFillError } from '@ats/execution';
import { describe, expect, it } from 'vitest';
import {
  bookFill,
  bookFromFills,
  bookOfLedger,
  ledgerFromFills,
  markBook,
  type PositionRow,
  reconcileBooks,
} from './book';
import { InvalidOrderTransitionError, nextOrderStatus } from './order-lifecycle';

const fill = (id: string, side: 'BUY' | 'SELL', quantity: number, price: number, day: number): Fill => ({
  fillId: id,
  clientOrderId: `o-${id}`,
  symbol: 'AAPL',
  side,
  quantity,
  price,
  commission: 1,
  slippage: 0,
  filledAt: new Date(Date.UTC(2023, 0, day)).toISOString(),
});

describe('bookFill', () => {
  it('books FIFO lots and carries realized P&L per symbol, by hand', () => {
    const ledger = ledgerFromFills(10_000, []);
    let row: PositionRow | undefined;
    row = bookFill(ledger, fill('a', 'BUY', 10, 100, 3), row).position;
    row = bookFill(ledger, fill('b', 'BUY', 10, 110, 4), row).position;
    expect(row).toEqual({ symbol: 'AAPL', quantity: 20, averagePrice: 105, realizedPnl: 0 });
    // Sells the first lot (bought at 100) at 120: 200 gain − 1 entry commission share − 1 exit commission.
    const booked = bookFill(ledger, fill('c', 'SELL', 10, 120, 5), row);
    expect(booked.position).toEqual({ symbol: 'AAPL', quantity: 10, averagePrice: 110, realizedPnl: 198 });
    expect(booked.cash).toBe(10_000 - 1000 - 1 - 1100 - 1 + 1200 - 1);
    const flat = bookFill(ledger, fill('d', 'SELL', 10, 100, 6), booked.position);
    expect(flat.position).toEqual({ symbol: 'AAPL', quantity: 0, averagePrice: 0, realizedPnl: 198 - 102 });
  });

  it('rejects a sell of more than is held without touching the book', () => {
    const ledger = ledgerFromFills(10_000, [fill('a', 'BUY', 5, 100, 3)]);
    expect(() => bookFill(ledger, fill('b', 'SELL', 6, 100, 4), undefined)).toThrow(InvalidFillError);
    expect(ledger.quantity('AAPL')).toBe(5);
    expect(ledger.cash).toBe(10_000 - 501);
  });
});

describe('reconcileBooks', () => {
  const fills = [fill('a', 'BUY', 10, 100, 3), fill('b', 'SELL', 4, 105, 4)];

  it('agrees between the ledger replay and plain arithmetic over the fills', () => {
    const ledgerBook = bookOfLedger(ledgerFromFills(10_000, fills));
    expect(reconcileBooks(bookFromFills(10_000, fills), ledgerBook)).toEqual([]);
    expect(ledgerBook.cash).toBe(10_000 - 1001 + 420 - 1);
  });

  it('names every field that differs', () => {
    const stored = {
      cash: 9_000,
      positions: [{ symbol: 'AAPL', quantity: 7, averagePrice: 100, realizedPnl: 0 }],
    };
    const problems = reconcileBooks(bookOfLedger(ledgerFromFills(10_000, fills)), stored);
    expect(problems.map((p) => p.what)).toEqual(['cash', 'AAPL.quantity', 'AAPL.realizedPnl']);
  });
});

describe('markBook', () => {
  it('values held shares at the mark and skips flat rows', () => {
    const { state, unmarked } = markBook(
      {
        cash: 1000,
        positions: [
          { symbol: 'AAPL', quantity: 10, averagePrice: 100, realizedPnl: 0 },
          { symbol: 'MSFT', quantity: 0, averagePrice: 0, realizedPnl: 5 },
        ],
      },
      '2023-01-04T00:00:00.000Z',
      (s) => (s === 'AAPL' ? 120 : undefined),
    );
    expect(state.equity).toBe(2200);
    expect(state.positions).toHaveLength(1);
    expect(unmarked).toEqual([]);
  });
});

describe('order lifecycle', () => {
  it('lets only open orders move', () => {
    expect(nextOrderStatus('x', 'NEW', 'fill')).toBe('FILLED');
    expect(nextOrderStatus('x', 'PARTIALLY_FILLED', 'cancel')).toBe('CANCELLED');
    expect(() => nextOrderStatus('x', 'FILLED', 'fill')).toThrow(InvalidOrderTransitionError);
    expect(() => nextOrderStatus('x', 'CANCELLED', 'fill')).toThrow(InvalidOrderTransitionError);
  });
});

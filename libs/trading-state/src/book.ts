import type { Fill, PortfolioState, Position } from '@ats/contracts';
import { PortfolioLedger } from '@ats/execution';

/** A run's holding of one symbol as stored: flat rows are kept (quantity 0) so realized P&L survives the exit. */
export interface PositionRow {
  readonly symbol: string;
  /** Signed: negative is short. */
  readonly quantity: number;
  /** Average price of the open FIFO lots, commission excluded (0 when flat). */
  readonly averagePrice: number;
  /** Realized P&L of the symbol over the run, net of the closed shares' commissions. */
  readonly realizedPnl: number;
}

/** Cash and holdings of one run: what the Portfolio and Position rows hold. */
export interface Book {
  readonly cash: number;
  readonly positions: readonly PositionRow[];
}

/** What booking one fill changes: the new cash and the new row of the fill's symbol. */
export interface BookedFill {
  readonly cash: number;
  readonly position: PositionRow;
}

/**
 * Canonical booking order of fills: by fill time, then fill id. Cash does not depend on the order, but FIFO
 * average price and realized P&L of one symbol do, so replays must book in the order the broker booked.
 */
export function compareBookingOrder(a: Fill, b: Fill): number {
  const byTime = Date.parse(a.filledAt) - Date.parse(b.filledAt);
  if (byTime !== 0) return byTime;
  return a.fillId < b.fillId ? -1 : a.fillId > b.fillId ? 1 : 0;
}

/** The shared FIFO ledger (@ats/execution, as the backtester) rebuilt by booking `fills` in canonical order. */
export function ledgerFromFills(initialCash: number, fills: readonly Fill[]): PortfolioLedger {
  const ledger = new PortfolioLedger({ initialCash });
  for (const fill of [...fills].sort(compareBookingOrder)) ledger.applyFill(fill);
  return ledger;
}

/**
 * Books one fill on the ledger and returns the rows to store. `previous` is the stored row of the symbol (its
 * realized P&L carries over; the ledger does not report flat symbols). Throws InvalidFillError (from the
 * ledger) before changing anything when the fill cannot be booked, e.g. a sell of more than is held.
 */
export function bookFill(ledger: PortfolioLedger, fill: Fill, previous: PositionRow | undefined): BookedFill {
  const closed = ledger.applyFill(fill);
  let realizedPnl = previous?.realizedPnl ?? 0;
  for (const trade of closed) realizedPnl += trade.pnl;
  const open = ledger.positions().find((p) => p.symbol === fill.symbol);
  return {
    cash: ledger.cash,
    position: {
      symbol: fill.symbol,
      quantity: open?.quantity ?? 0,
      averagePrice: open?.averagePrice ?? 0,
      realizedPnl,
    },
  };
}

/**
 * The book recomputed from fills by plain arithmetic, independent of the ledger: cash = initial − Σ buys × price
 * + Σ sells × price − Σ commission; quantity = Σ signed quantity. Used to reconcile stored rows against fills.
 */
export function bookFromFills(initialCash: number, fills: readonly Fill[]): Book {
  let cash = initialCash;
  const quantities = new Map<string, number>();
  for (const fill of [...fills].sort(compareBookingOrder)) {
    const direction = fill.side === 'BUY' ? 1 : -1;
    cash -= direction * fill.quantity * fill.price + fill.commission;
    quantities.set(fill.symbol, (quantities.get(fill.symbol) ?? 0) + direction * fill.quantity);
  }
  const positions = [...quantities].map(([symbol, quantity]) => ({
    symbol,
    quantity,
    averagePrice: Number.NaN,
    realizedPnl: Number.NaN,
  }));
  return { cash, positions };
}

/** Money and share amounts closer than this are equal (float sums over a few hundred fills). */
export const RECONCILE_TOLERANCE = 1e-6;

export interface Discrepancy {
  readonly what: string;
  readonly expected: number;
  readonly actual: number;
}

/**
 * Differences between two books in cash and per-symbol quantity (average price and realized P&L too, where both
 * sides know them). Symbols missing on one side count as flat there.
 */
export function reconcileBooks(expected: Book, actual: Book, tolerance = RECONCILE_TOLERANCE): Discrepancy[] {
  const out: Discrepancy[] = [];
  const differs = (a: number, b: number) => Math.abs(a - b) > tolerance * Math.max(1, Math.abs(a));
  if (differs(expected.cash, actual.cash))
    out.push({ what: 'cash', expected: expected.cash, actual: actual.cash });
  const symbols = new Set([...expected.positions, ...actual.positions].map((p) => p.symbol));
  const find = (book: Book, symbol: string) => book.positions.find((p) => p.symbol === symbol);
  for (const symbol of [...symbols].sort()) {
    const e = find(expected, symbol);
    const a = find(actual, symbol);
    const eq = e?.quantity ?? 0;
    const aq = a?.quantity ?? 0;
    if (differs(eq, aq)) out.push({ what: `${symbol}.quantity`, expected: eq, actual: aq });
    for (const field of ['averagePrice', 'realizedPnl'] as const) {
      const ev = e?.[field] ?? 0;
      const av = a?.[field] ?? 0;
      if (Number.isNaN(ev) || Number.isNaN(av)) continue;
      if (differs(ev, av)) out.push({ what: `${symbol}.${field}`, expected: ev, actual: av });
    }
  }
  return out;
}

/** The book as rows: the ledger's open positions plus realized P&L per symbol from its closed trades. */
export function bookOfLedger(ledger: PortfolioLedger): Book {
  const realized = new Map<string, number>();
  for (const trade of ledger.trades)
    realized.set(trade.symbol, (realized.get(trade.symbol) ?? 0) + trade.pnl);
  const open = ledger.positions();
  const positions: PositionRow[] = open.map((p) => ({
    symbol: p.symbol,
    quantity: p.quantity,
    averagePrice: p.averagePrice,
    realizedPnl: realized.get(p.symbol) ?? 0,
  }));
  for (const [symbol, pnl] of realized) {
    if (!open.some((p) => p.symbol === symbol))
      positions.push({ symbol, quantity: 0, averagePrice: 0, realizedPnl: pnl });
  }
  return { cash: ledger.cash, positions };
}

/**
 * The contract's PortfolioState marked at `priceOf` (the close of the decision bar). Equity = cash + Σ quantity ×
 * mark; a held symbol without a mark is valued at its average price, and `unmarked` lists it.
 */
export function markBook(
  book: Book,
  asOf: string,
  priceOf: (symbol: string) => number | undefined,
): { state: PortfolioState; unmarked: string[] } {
  const unmarked: string[] = [];
  let equity = book.cash;
  const positions: Position[] = [];
  for (const row of book.positions) {
    if (row.quantity === 0) continue;
    const mark = priceOf(row.symbol);
    if (mark === undefined) unmarked.push(row.symbol);
    const price = mark ?? row.averagePrice;
    equity += row.quantity * price;
    positions.push({
      symbol: row.symbol,
      quantity: row.quantity,
      averagePrice: row.averagePrice,
      marketPrice: price,
      realizedPnl: row.realizedPnl,
    });
  }
  return { state: { asOf, cash: book.cash, equity, positions }, unmarked };
}

import { type Fill, type PortfolioState, type Position, TRADING_DAYS_PER_YEAR } from '@ats/contracts';
import { InvalidFillError } from './errors';

/** One closed round trip, matched first-in first-out against the opening lots. */
export interface TradeRecord {
  symbol: string;
  side: 'LONG' | 'SHORT';
  entryTs: string;
  exitTs: string;
  quantity: number;
  entryPrice: number;
  exitPrice: number;
  /** (exit − entry) × quantity (sign-flipped for shorts) minus the entry and exit commissions of these shares. */
  pnl: number;
  /** pnl / (entryPrice × quantity). */
  returnPct: number;
  /** Entry and exit commission attributable to these shares (pro rata by quantity). */
  commission: number;
  /** Bars between entry and exit fill as counted by the caller (0 when opened and closed on one bar). */
  holdingBars: number;
}

export interface LedgerOptions {
  readonly initialCash: number;
  /** Sells beyond the held quantity open a short; off by default (long-only book). */
  readonly allowShort?: boolean;
  /** Annual stock-borrow fee on short market value, charged per trading day as rate / 252. */
  readonly borrowRateAnnual?: number;
}

/** Price of a symbol for marking; undefined when the symbol has no price yet. */
export type PriceOf = (symbol: string) => number | undefined;

/** Quantities below this are float dust left by fractional fills and count as zero. */
const QUANTITY_EPSILON = 1e-9;

interface Lot {
  quantity: number;
  price: number;
  ts: string;
  barIndex: number;
  commissionPerShare: number;
}

interface Holding {
  readonly symbol: string;
  /** Signed: negative is short. */
  quantity: number;
  /** Σ lot.quantity × lot.price of the open lots (always >= 0). */
  costBasis: number;
  realizedPnl: number;
  readonly lots: Lot[];
}

/**
 * Cash and positions of one account. Convention: buys debit cash by quantity × price + commission, sells credit
 * quantity × price − commission (short-sale proceeds included); equity = cash + Σ quantity × mark.
 * Average price is that of the open FIFO lots, commission excluded; realized P&L is net of the closed shares'
 * commissions, so equity = initial cash + realized + unrealized − open lots' entry commissions − borrow fees
 * + dividends (received on longs, paid on shorts).
 */
export class PortfolioLedger {
  readonly initialCash: number;
  readonly allowShort: boolean;
  readonly borrowRateAnnual: number;
  #cash: number;
  #realizedPnl = 0;
  #commissions = 0;
  #borrowFees = 0;
  #dividends = 0;
  readonly #holdings = new Map<string, Holding>();
  readonly #trades: TradeRecord[] = [];

  constructor(options: LedgerOptions) {
    if (!Number.isFinite(options.initialCash) || options.initialCash < 0) {
      throw new RangeError(`initialCash must be a finite amount >= 0, got ${options.initialCash}`);
    }
    this.initialCash = options.initialCash;
    this.#cash = options.initialCash;
    this.allowShort = options.allowShort ?? false;
    this.borrowRateAnnual = options.borrowRateAnnual ?? 0;
  }

  get cash(): number {
    return this.#cash;
  }
  get realizedPnl(): number {
    return this.#realizedPnl;
  }
  get commissionsPaid(): number {
    return this.#commissions;
  }
  get borrowFeesPaid(): number {
    return this.#borrowFees;
  }
  /** Net cash dividends: received on long positions minus paid on short ones (the lender is owed them). */
  get dividendsReceived(): number {
    return this.#dividends;
  }
  /** Closed round trips in the order they closed. */
  get trades(): readonly TradeRecord[] {
    return this.#trades;
  }

  /** Signed quantity held (0 when flat). */
  quantity(symbol: string): number {
    return this.#holdings.get(symbol)?.quantity ?? 0;
  }

  /** Open positions, in the order the symbols were first traded. */
  positions(priceOf?: PriceOf): Position[] {
    const out: Position[] = [];
    for (const holding of this.#holdings.values()) {
      if (holding.quantity === 0) continue;
      const position: Position = {
        symbol: holding.symbol,
        quantity: holding.quantity,
        averagePrice: holding.costBasis / Math.abs(holding.quantity),
        realizedPnl: holding.realizedPnl,
      };
      const mark = priceOf?.(holding.symbol);
      if (mark !== undefined) position.marketPrice = mark;
      out.push(position);
    }
    return out;
  }

  /**
   * Books one fill; returns the round trips it closed. `barIndex` is the caller's bar counter, used for
   * holdingBars. A sell past the held quantity with shorting off is rejected before anything changes.
   */
  applyFill(fill: Fill, barIndex = 0): TradeRecord[] {
    const { quantity, price, commission } = fill;
    if (!(quantity > 0) || !(price > 0) || !Number.isFinite(price) || !(commission >= 0)) {
      throw new InvalidFillError(fill.fillId, 'quantity and price must be > 0 and commission >= 0');
    }
    const direction = fill.side === 'BUY' ? 1 : -1;
    const holding = this.#holdings.get(fill.symbol) ?? this.#newHolding(fill.symbol);
    const after = holding.quantity + direction * quantity;
    if (after < -QUANTITY_EPSILON && !this.allowShort) {
      throw new InvalidFillError(
        fill.fillId,
        `sell of ${quantity} ${fill.symbol} exceeds the ${holding.quantity} held`,
      );
    }
    this.#cash -= direction * quantity * price + commission;
    this.#commissions += commission;
    const commissionPerShare = commission / quantity;
    let remaining = quantity;
    const closed: TradeRecord[] = [];
    // Close against opposite-direction lots first, oldest first (FIFO).
    while (remaining > QUANTITY_EPSILON && holding.quantity * direction < 0) {
      const lot = holding.lots[0] as Lot;
      const matched = Math.min(lot.quantity, remaining);
      const heldDirection = -direction;
      const lotCommission = (lot.commissionPerShare + commissionPerShare) * matched;
      const pnl = (price - lot.price) * matched * heldDirection - lotCommission;
      const trade: TradeRecord = {
        symbol: fill.symbol,
        side: heldDirection > 0 ? 'LONG' : 'SHORT',
        entryTs: lot.ts,
        exitTs: fill.filledAt,
        quantity: matched,
        entryPrice: lot.price,
        exitPrice: price,
        pnl,
        returnPct: pnl / (lot.price * matched),
        commission: lotCommission,
        holdingBars: barIndex - lot.barIndex,
      };
      closed.push(trade);
      this.#trades.push(trade);
      holding.realizedPnl += pnl;
      this.#realizedPnl += pnl;
      holding.costBasis -= lot.price * matched;
      holding.quantity += direction * matched;
      lot.quantity -= matched;
      remaining -= matched;
      if (lot.quantity <= QUANTITY_EPSILON) holding.lots.shift();
    }
    if (Math.abs(holding.quantity) <= QUANTITY_EPSILON && holding.lots.length === 0) {
      holding.quantity = 0;
      holding.costBasis = 0;
    }
    if (remaining > QUANTITY_EPSILON) {
      holding.lots.push({ quantity: remaining, price, ts: fill.filledAt, barIndex, commissionPerShare });
      holding.quantity += direction * remaining;
      holding.costBasis += remaining * price;
    }
    return closed;
  }

  /** Σ quantity × mark of open positions (shorts negative). Throws when a held symbol has no price. */
  marketValue(priceOf: PriceOf): number {
    let value = 0;
    for (const holding of this.#holdings.values()) {
      if (holding.quantity !== 0) value += holding.quantity * this.#mark(holding, priceOf);
    }
    return value;
  }

  /** Σ |quantity| × mark: long plus short market value. */
  grossExposure(priceOf: PriceOf): number {
    let value = 0;
    for (const holding of this.#holdings.values()) {
      if (holding.quantity !== 0) value += Math.abs(holding.quantity) * this.#mark(holding, priceOf);
    }
    return value;
  }

  equity(priceOf: PriceOf): number {
    return this.#cash + this.marketValue(priceOf);
  }

  /** Charges `days` trading days of borrow fee on short market value; returns the amount charged. */
  accrueBorrowFee(priceOf: PriceOf, days = 1): number {
    if (this.borrowRateAnnual === 0) return 0;
    let shortValue = 0;
    for (const holding of this.#holdings.values()) {
      if (holding.quantity < 0) shortValue -= holding.quantity * this.#mark(holding, priceOf);
    }
    const fee = (shortValue * this.borrowRateAnnual * days) / TRADING_DAYS_PER_YEAR;
    this.#cash -= fee;
    this.#borrowFees += fee;
    return fee;
  }

  /**
   * Books a cash dividend of `perShare` on the quantity held at the previous close (call it on the ex-date,
   * before that day's fills): credited on a long, charged on a short. Returns the signed cash amount.
   */
  creditDividend(symbol: string, perShare: number): number {
    if (!(perShare >= 0) || !Number.isFinite(perShare)) {
      throw new RangeError(`dividend per share must be a finite amount >= 0, got ${perShare}`);
    }
    const quantity = this.#holdings.get(symbol)?.quantity ?? 0;
    if (quantity === 0 || perShare === 0) return 0;
    const amount = quantity * perShare;
    this.#cash += amount;
    this.#dividends += amount;
    return amount;
  }

  /** The contract's PortfolioState, marked at `priceOf`. */
  snapshot(asOf: string, priceOf: PriceOf): PortfolioState {
    return { asOf, cash: this.#cash, equity: this.equity(priceOf), positions: this.positions(priceOf) };
  }

  #newHolding(symbol: string): Holding {
    const holding: Holding = { symbol, quantity: 0, costBasis: 0, realizedPnl: 0, lots: [] };
    this.#holdings.set(symbol, holding);
    return holding;
  }

  #mark(holding: Holding, priceOf: PriceOf): number {
    const mark = priceOf(holding.symbol);
    if (mark === undefined || !Number.isFinite(mark)) {
      throw new RangeError(`no mark price for held symbol ${holding.symbol}`);
    }
    return mark;
  }
}

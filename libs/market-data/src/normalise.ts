import { type Bar, BarSchema, type Clock, isValidBar, type Timeframe } from '@ats/contracts';
import { type CanonicalTime, canonicalTime } from './canonical-time';
import { type RejectedRow, rowValueProblem } from './row-rejection';

/** A bar as a provider sent it, before validation; `ts` is already the bar's open time in UTC. */
export interface RawBar {
  readonly ts: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Split/dividend adjusted close when the source supplies one. */
  readonly adjClose?: number;
}

export interface NormaliseOptions {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Caller wants adjusted prices; honoured only when every kept row carries an adjusted close. */
  readonly adjusted: boolean;
  /** The rows' prices are already adjusted at the source (no separate adjusted close to scale by). */
  readonly sourceAdjusted?: boolean;
  readonly clock: Clock;
  /** Inclusive trading-date range `YYYY-MM-DD`; rows outside it are filtered, not counted as dropped. */
  readonly from?: string;
  readonly to?: string;
}

export interface NormalisedBars {
  readonly bars: Bar[];
  /** Rows not served: the rejected ones and the later rows of a duplicated timestamp. */
  readonly droppedRows: number;
  /** Each rejected row and why (absent when none), so a data-quality check can report it. */
  readonly rejectedRows?: RejectedRow[];
  /**
   * Timestamps (`YYYY-MM-DD` for daily bars) that more than one valid row carried: the first row is kept, the later
   * ones are dropped. Absent when none.
   */
  readonly duplicateDates?: string[];
  /**
   * Trading dates (`YYYY-MM-DD`) of kept bars that traded no shares (e.g. AMD 2015-01-02, O=H=L=C). Volume 0 is a
   * valid bar, kept as is; reports list these days because volume-based signals and fills see nothing there.
   * Absent when there are none.
   */
  readonly zeroVolumeDays?: string[];
  /**
   * When the earliest row rejected as after "now" comes due (ms): until then the same rows normalise to the same
   * bars, which lets a caller keep the result. Absent when no row lies in the future.
   */
  readonly firstFutureMs?: number;
}

/** Adjusted prices are rounded to 6 decimals: far below a cent, and it makes every provider agree exactly. */
const ADJUSTED_PRICE_DECIMALS = 6;

function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/**
 * Turns provider rows into contract Bars: UTC, ascending, one bar per timestamp (the first valid row of a
 * timestamp wins), invalid rows rejected with their reason (non-finite or non-positive prices, high below
 * low/open/close, negative volume, bars that open after "now").
 * Adjusted series scale open/high/low/close by adjClose/close (the Yahoo/CRSP back-adjustment convention);
 * volume is left as sent.
 */
export function normaliseBars(rows: readonly RawBar[], options: NormaliseOptions): NormalisedBars {
  const symbol = options.symbol.toUpperCase();
  const nowMs = options.clock.now().getTime();
  const fromTs = options.from ? `${options.from}T00:00:00.000Z` : undefined;
  const toTs = options.to ? `${options.to}T23:59:59.999Z` : undefined;
  // Each row's canonical time once (the range filter and the loop below both need it).
  const inRange: RawBar[] = [];
  const inRangeTimes: (CanonicalTime | undefined)[] = [];
  for (const row of rows) {
    const time = canonicalTime(row.ts);
    // An unreadable date stays in: it is counted as bad below.
    if (
      time !== undefined &&
      ((fromTs !== undefined && time.ts < fromTs) || (toTs !== undefined && time.ts > toTs))
    ) {
      continue;
    }
    inRange.push(row);
    inRangeTimes.push(time);
  }
  const scaleToAdjusted =
    options.adjusted && inRange.length > 0 && inRange.every((row) => isPositive(row.adjClose));

  const rejectedRows: RejectedRow[] = [];
  const duplicates = new Set<string>();
  let droppedRows = 0;
  let firstFutureMs = Number.POSITIVE_INFINITY;
  const byTs = new Map<string, Bar>();
  for (let k = 0; k < inRange.length; k++) {
    const row = inRange[k] as RawBar;
    const time = inRangeTimes[k];
    if (time === undefined) {
      droppedRows += 1;
      rejectedRows.push({ ts: row.ts, reason: 'unreadable-date', detail: `date "${row.ts}" is not a date` });
      continue;
    }
    const { ts, ms: rowMs } = time;
    if (rowMs > nowMs) firstFutureMs = Math.min(firstFutureMs, rowMs);
    const problem =
      rowMs > nowMs ? { reason: 'future-date' as const, detail: `${ts} is after now` } : rowValueProblem(row);
    if (problem !== undefined) {
      droppedRows += 1;
      rejectedRows.push({ ts: row.ts, ...problem });
      continue;
    }
    const factor = scaleToAdjusted ? (row.adjClose as number) / row.close : 1;
    const price = (p: number) => (scaleToAdjusted ? roundTo(p * factor, ADJUSTED_PRICE_DECIMALS) : p);
    const candidate = {
      symbol,
      timeframe: options.timeframe,
      ts,
      open: price(row.open),
      high: price(row.high),
      low: price(row.low),
      close: price(row.close),
      volume: row.volume,
      adjusted: scaleToAdjusted || (options.sourceAdjusted ?? false),
      // Unadjusted prices keep the source's adjusted close: dividends are derived from it downstream.
      ...(!scaleToAdjusted && isPositive(row.adjClose) ? { adjClose: row.adjClose } : {}),
    };
    // isValidBar holds exactly when BarSchema accepts (and then parses to an equal object); the schema is asked only
    // for a row it refuses, for the reason.
    const parsed = isValidBar(candidate)
      ? { success: true as const, data: candidate as Bar }
      : BarSchema.safeParse(candidate);
    if (!parsed.success || !Number.isFinite(factor)) {
      droppedRows += 1;
      const detail = parsed.success
        ? `adjusted close ${row.adjClose} gives no price factor`
        : parsed.error.message;
      rejectedRows.push({ ts: row.ts, reason: 'invalid', detail });
      continue;
    }
    // A timestamp's first valid row is kept; later ones are dropped and reported (a file is not guessed right).
    if (byTs.has(ts)) {
      droppedRows += 1;
      duplicates.add(options.timeframe === '1d' ? ts.slice(0, 10) : ts);
      continue;
    }
    byTs.set(ts, parsed.data);
  }
  const bars = [...byTs.values()].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  const quietDays = zeroVolumeDays(bars);
  return {
    bars,
    droppedRows,
    ...(rejectedRows.length > 0 ? { rejectedRows } : {}),
    ...(duplicates.size > 0 ? { duplicateDates: [...duplicates].sort() } : {}),
    ...(quietDays.length > 0 ? { zeroVolumeDays: quietDays } : {}),
    ...(Number.isFinite(firstFutureMs) ? { firstFutureMs } : {}),
  };
}

/** Trading dates (`YYYY-MM-DD`) of the bars that traded no shares, in order. */
export function zeroVolumeDays(bars: readonly Bar[]): string[] {
  return bars.filter((bar) => bar.volume === 0).map((bar) => bar.ts.slice(0, 10));
}

function isPositive(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value > 0;
}

/** Midnight UTC of a trading date: the contract's `ts` for daily bars. */
export function dailyBarTs(tradingDate: string): string {
  return `${tradingDate}T00:00:00.000Z`;
}

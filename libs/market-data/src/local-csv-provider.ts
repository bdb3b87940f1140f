import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { type Bar, type Clock, systemClock, type Timeframe } from '@ats/contracts';
import { MalformedResponseError, UnknownSymbolError, UnsupportedRequestError } from './errors';
import { type NormalisedBars, normaliseBars, type RawBar } from './normalise';
import { defaultOhlcvDir, findOhlcvCsv, listOhlcvSymbols, resolveOhlcvDir } from './ohlcv-folder';
import type { BarBatch, BarsQuery, MarketDataProvider } from './provider';

export interface LocalCsvProviderOptions {
  /**
   * A directory of `<SYMBOL>.csv` files, a data folder holding `ohlcv/`, or one CSV file (its symbol is the file
   * name unless `symbol` says). Default: the configured data folder's `ohlcv/` (`defaultOhlcvDir()`).
   */
  readonly path?: string;
  /** Symbol of a single-file source. */
  readonly symbol?: string;
  readonly clock?: Clock;
  readonly name?: string;
}

export interface LoadBarsOptions {
  readonly from?: string;
  readonly to?: string;
  readonly timeframe?: Timeframe;
  readonly adjusted?: boolean;
}

/**
 * Daily bars from CSV files `date,open,high,low,close[,adj_close],volume` (header names case-insensitive,
 * `Date`/`Adj Close` as Yahoo downloads them also accepted). The offline default provider.
 * The data folder's files are split-adjusted but not dividend-adjusted, so bars come out `adjusted: false` with the
 * file's `adj_close` kept as `adjClose`; `adjusted: true` scales them by adj_close / close.
 * A missing path (no data folder configured) is not an error until a symbol is asked for: the provider then
 * serves nothing, which lets it sit at the end of a failover chain on any machine.
 * Rows that make no valid bar are left out and listed in the batch with their reason (`rejectedRows`); a date
 * written twice keeps its first row (`duplicateDates`): inspectDataQuality turns both into findings.
 */
export class LocalCsvProvider implements MarketDataProvider {
  readonly name: string;
  /** Undefined when no path was given and no data folder is configured. */
  readonly #path: string | undefined;
  readonly #isFile: boolean;
  readonly #fileSymbol: string | undefined;
  readonly #clock: Clock;
  /** Parsed rows per symbol: files are immutable while the process runs. */
  readonly #rows = new Map<string, Promise<RawBar[]>>();

  constructor(options: LocalCsvProviderOptions = {}) {
    const path = options.path ?? defaultOhlcvDir();
    this.#path = path === undefined ? undefined : resolveOhlcvDir(resolve(path));
    this.#isFile = this.#path !== undefined && existsSync(this.#path) && statSync(this.#path).isFile();
    this.#fileSymbol =
      this.#isFile && this.#path !== undefined
        ? (options.symbol ?? basename(this.#path, extname(this.#path))).toUpperCase()
        : undefined;
    this.#clock = options.clock ?? systemClock;
    this.name = options.name ?? 'local-csv';
  }

  /** The CSV file or directory read; undefined when no data folder is configured. */
  get path(): string | undefined {
    return this.#path;
  }

  /** Symbols this source can serve. */
  symbols(): string[] {
    if (this.#path === undefined) return [];
    return this.#isFile ? [this.#fileSymbol as string] : listOhlcvSymbols(this.#path);
  }

  /** Contract bars of `symbol` between `from` and `to` (inclusive); the whole file when omitted. */
  async loadBars(symbol: string, options: LoadBarsOptions = {}): Promise<Bar[]> {
    return (await this.#load(symbol, options)).bars;
  }

  async fetchBars(query: BarsQuery): Promise<BarBatch> {
    return this.#load(query.symbol, query);
  }

  async #load(symbol: string, options: LoadBarsOptions): Promise<NormalisedBars> {
    const timeframe = options.timeframe ?? '1d';
    if (timeframe !== '1d') {
      throw new UnsupportedRequestError(this.name, `only daily bars are stored in CSV, not ${timeframe}`);
    }
    const upper = symbol.toUpperCase();
    const rows = await this.#rowsOf(upper);
    return normaliseBars(rows, {
      symbol: upper,
      timeframe,
      adjusted: options.adjusted ?? false,
      clock: this.#clock,
      ...(options.from === undefined ? {} : { from: options.from }),
      ...(options.to === undefined ? {} : { to: options.to }),
    });
  }

  #rowsOf(symbol: string): Promise<RawBar[]> {
    let rows = this.#rows.get(symbol);
    if (!rows) {
      rows = this.#readRows(symbol);
      rows.catch(() => this.#rows.delete(symbol));
      this.#rows.set(symbol, rows);
    }
    return rows;
  }

  async #readRows(symbol: string): Promise<RawBar[]> {
    const file = this.#fileFor(symbol);
    if (file === undefined) {
      const where = this.#path ?? 'no data folder configured (DATA__DIR)';
      throw new UnknownSymbolError(this.name, symbol, `no CSV for ${symbol} in ${where}`);
    }
    return parseOhlcvCsv(await readFile(file, 'utf8'), this.name, file);
  }

  #fileFor(symbol: string): string | undefined {
    if (this.#path === undefined) return undefined;
    if (this.#isFile) return symbol === this.#fileSymbol ? this.#path : undefined;
    return findOhlcvCsv(this.#path, symbol);
  }
}

const COLUMN_ALIASES: Record<string, keyof RawBar | 'date'> = {
  date: 'date',
  timestamp: 'date',
  datetime: 'date',
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  adj_close: 'adjClose',
  'adj close': 'adjClose',
  adjclose: 'adjClose',
  volume: 'volume',
};

/**
 * Parses an OHLCV CSV into raw rows. Empty or unparseable numbers become NaN, so the normaliser drops that row
 * and reports it (`missing-value`) instead of the whole file failing; a file without the required columns is
 * malformed. `fromDate` (YYYY-MM-DD): leave out the rows whose date cell, a plain YYYY-MM-DD first in an unquoted
 * line, is earlier (any other row is parsed as usual): a one-year read of a 16-year file parses a tenth of it.
 */
export function parseOhlcvCsv(
  text: string,
  provider = 'local-csv',
  source = 'csv',
  fromDate?: string,
): RawBar[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header === undefined) return [];
  const columns = splitCsvLine(header).map((name) => COLUMN_ALIASES[name.trim().toLowerCase()]);
  const index = (key: keyof RawBar | 'date') => columns.indexOf(key);
  const required = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;
  const missing = required.filter((key) => index(key) < 0);
  if (missing.length > 0) {
    throw new MalformedResponseError(provider, `${source} lacks column(s) ${missing.join(', ')}`);
  }
  const at = {
    date: index('date'),
    open: index('open'),
    high: index('high'),
    low: index('low'),
    close: index('close'),
    volume: index('volume'),
    adjClose: index('adjClose'),
  };
  const number = (cells: readonly string[], column: number) => {
    const cell = cells[column]?.trim();
    return cell === undefined || cell === '' ? Number.NaN : Number(cell);
  };
  const rows: RawBar[] = [];
  const skipsEarlyDates = fromDate !== undefined && at.date === 0;
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k] as string;
    if (skipsEarlyDates && line.charCodeAt(10) === COMMA && isEarlierDate(line, fromDate)) continue;
    // A line without quotes splits at every comma (the data folder's files, Yahoo's, Stooq's).
    const cells = line.includes('"') ? splitCsvLine(line) : line.split(',');
    const adjClose = at.adjClose >= 0 ? number(cells, at.adjClose) : Number.NaN;
    const row: { -readonly [K in keyof RawBar]: RawBar[K] } = {
      ts: cells[at.date]?.trim() ?? '',
      open: number(cells, at.open),
      high: number(cells, at.high),
      low: number(cells, at.low),
      close: number(cells, at.close),
      volume: number(cells, at.volume),
    };
    if (!Number.isNaN(adjClose)) row.adjClose = adjClose;
    rows.push(row);
  }
  return rows;
}

const COMMA = 0x2c;
const PLAIN_DATE = /^\d{4}-\d{2}-\d{2},/;

/** Whether `line` starts with a plain `YYYY-MM-DD,` date cell earlier than `fromDate` (ISO dates sort as text). */
function isEarlierDate(line: string, fromDate: string): boolean {
  return line.slice(0, 10) < fromDate && PLAIN_DATE.test(line);
}

/** Splits one CSV line, honouring double-quoted cells (Yahoo never quotes, spreadsheets sometimes do). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

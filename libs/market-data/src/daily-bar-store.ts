import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Bar, type Clock, systemClock } from '@ats/contracts';
import { AlphaVantageProvider } from './alpha-vantage-provider';
import type { DailyBarOrigin, DownloadProgress } from './download-progress';
import {
  AllProvidersFailedError,
  MissingMarketDataError,
  ProviderError,
  UnsupportedRequestError,
} from './errors';
import { FailoverMarketData, type MarketDataSource } from './failover-market-data';
import type { HttpProviderSettings } from './http-client';
import { type LoadBarsOptions, parseOhlcvCsv } from './local-csv-provider';
import { type NormalisedBars, normaliseBars, type RawBar } from './normalise';
import { nyseSessions } from './nyse-calendar';
import { formatOhlcvCsv, writeFileAtomically } from './ohlcv-csv-file';
import { findOhlcvCsv, ohlcvDirOf } from './ohlcv-folder';
import { barsQueryOf } from './port-reads';
import type { BarBatch, BarsQuery, MarketDataProvider } from './provider';
import { TwelveDataProvider } from './twelve-data-provider';
import { YahooChartProvider } from './yahoo-chart-provider';
import { addDays } from './zoned-time';

/** Normalised ranges kept per series (DailyBarStore#normalise). */
const NORMALISED_PER_SERIES = 16;

/** A first download of a symbol fetches its history from here (or from an earlier requested date) on. */
export const DEFAULT_HISTORY_START = '2010-01-01';

/**
 * NYSE closes at 16:00 New York (20:00 or 21:00 UTC); a daily bar is final once 22:00 UTC has passed, so a
 * download never stores a session still trading.
 */
const SESSION_FINAL_UTC_HOUR = 22;

/** Inclusive trading-date range `YYYY-MM-DD`; either end open. */
export interface DailyBarRange {
  readonly from?: string;
  readonly to?: string;
}

/** The HTTP providers a download goes through, in this order: Yahoo (keyless), then those with an API key. */
export interface DownloadProviderSettings {
  /** Yahoo's keyless chart endpoint; `baseUrl` from DATA__YAHOO_BASE_URL. */
  readonly yahoo?: HttpProviderSettings;
  /** Used when `apiKey` is set (ALPHA_VANTAGE_API_KEY); `baseUrl` from DATA__ALPHA_VANTAGE_BASE_URL. */
  readonly alphaVantage?: HttpProviderSettings & { readonly apiKey?: string | undefined };
  /** Used when `apiKey` is set (TWELVE_DATA_API_KEY); `baseUrl` from DATA__TWELVE_DATA_BASE_URL. */
  readonly twelveData?: HttpProviderSettings & { readonly apiKey?: string | undefined };
}

export interface DailyBarStoreOptions extends DownloadProviderSettings {
  /** The data folder (config.data.dir); its `ohlcv/` is looked in first. Undefined: none configured. */
  readonly dataDir: string | undefined;
  /** The download cache (config.data.cacheDir); downloads are written to its `ohlcv/`. */
  readonly cacheDir: string;
  /** `auto` downloads what no local folder holds; `off` never touches the network. Default `auto`. */
  readonly download?: 'auto' | 'off';
  /** Replaces the provider chain built from yahoo/alphaVantage/twelveData (e.g. the gateway's own chain). */
  readonly source?: MarketDataSource;
  readonly clock?: Clock;
  /** First date a first download asks for; default DEFAULT_HISTORY_START. */
  readonly historyStart?: string;
  readonly name?: string;
}

/** `config.data` of @ats/config, as far as the store needs it. */
export interface DataFolderSettings {
  readonly dir: string | undefined;
  readonly cacheDir: string;
  readonly download: 'auto' | 'off';
  /** DATA__YAHOO_BASE_URL / DATA__ALPHA_VANTAGE_BASE_URL / DATA__TWELVE_DATA_BASE_URL: a proxy or a test fake. */
  readonly yahooBaseUrl?: string | undefined;
  readonly alphaVantageBaseUrl?: string | undefined;
  readonly twelveDataBaseUrl?: string | undefined;
  readonly alphaVantageApiKey?: string | undefined;
  readonly twelveDataApiKey?: string | undefined;
}

/**
 * The daily-bar store every trading path reads from, built from `loadConfig().data` (folders, download switch,
 * base URLs, API keys); `overrides` win over `data`, field by field for each provider (e.g. quotas, retries).
 */
export function dailyBarSource(
  data: DataFolderSettings,
  overrides: Partial<DailyBarStoreOptions> = {},
): DailyBarStore {
  const baseUrl = (url: string | undefined) => (url ? { baseUrl: url } : {});
  const apiKey = (key: string | undefined) => (key ? { apiKey: key } : {});
  return new DailyBarStore({
    dataDir: data.dir,
    cacheDir: data.cacheDir,
    download: data.download,
    ...overrides,
    yahoo: { ...baseUrl(data.yahooBaseUrl), ...overrides.yahoo },
    alphaVantage: {
      ...baseUrl(data.alphaVantageBaseUrl),
      ...apiKey(data.alphaVantageApiKey),
      ...overrides.alphaVantage,
    },
    twelveData: {
      ...baseUrl(data.twelveDataBaseUrl),
      ...apiKey(data.twelveDataApiKey),
      ...overrides.twelveData,
    },
  });
}

/** The download chain: Yahoo first, then Alpha Vantage and Twelve Data when their keys are set. */
export function downloadProviders(settings: DownloadProviderSettings, clock: Clock): MarketDataProvider[] {
  const providers: MarketDataProvider[] = [new YahooChartProvider({ ...settings.yahoo, clock })];
  const alphaKey = settings.alphaVantage?.apiKey;
  if (alphaKey)
    providers.push(new AlphaVantageProvider({ ...settings.alphaVantage, apiKey: alphaKey, clock }));
  const twelveKey = settings.twelveData?.apiKey;
  if (twelveKey) providers.push(new TwelveDataProvider({ ...settings.twelveData, apiKey: twelveKey, clock }));
  return providers;
}

/** Dates a stored series is known to be complete for (what was asked of the provider, not first/last bar). */
interface Coverage {
  readonly from: string;
  readonly to: string;
}

/** What the cache keeps beside `<SYMBOL>.csv`, so a listing gap (META before 2012) is not asked for again. */
interface CoverageFile extends Coverage {
  readonly symbol: string;
  readonly provider: string;
  readonly downloadedAt: string;
}

/** One symbol's rows as held in memory. */
interface Series {
  readonly origin: DailyBarOrigin;
  readonly rows: readonly RawBar[];
  /**
   * Data folder only: the rows are those dated from here on (the file's earlier rows were not parsed). A read that
   * reaches further back parses the whole file; a cache series always has every row (downloads merge into it).
   */
  readonly rowsFrom?: string;
  /** Cache series only; the data folder is served as it is. */
  readonly coverage?: Coverage;
  readonly bytes: number;
}

/**
 * Unadjusted daily bars (`adjusted: false`, with the source's `adjClose`) for any symbol, from the first place that
 * has them:
 * 1. the data folder's `ohlcv/<SYMBOL>.csv` (DATA__DIR), served as it is, even for dates past its end;
 * 2. the download cache's `ohlcv/<SYMBOL>.csv` (DATA__CACHE_DIR);
 * 3. a download through Yahoo → Alpha Vantage → Twelve Data (DATA__DOWNLOAD=auto), written to the cache.
 *
 * Download rule: a symbol's first download fetches its whole history, from DEFAULT_HISTORY_START (or the requested
 * `from` when earlier) to the last closed session, in one call per symbol, so later runs with any range up to that
 * day make no call at all. A later request reaching past what the cache covers fetches only the missing dates
 * (before its start, or from its end to the last closed session) and merges them in. Ranges are compared in NYSE
 * sessions: asking through a Sunday when the cache ends on Friday is covered. If such an extension cannot be
 * downloaded the store throws rather than serve a silently shorter history.
 * The cache is written atomically (temporary file + rename), so parallel workers may share it.
 */
export class DailyBarStore implements MarketDataProvider {
  readonly name: string;
  readonly dataDir: string | undefined;
  readonly cacheDir: string;
  readonly download: 'auto' | 'off';
  readonly #options: DailyBarStoreOptions;
  readonly #clock: Clock;
  readonly #historyStart: string;
  #source: MarketDataSource | undefined;
  /** Latest known series per symbol; each symbol's loads run one after another so it is downloaded once. */
  readonly #series = new Map<string, Promise<Series>>();
  /**
   * Normalised bars per series and request (range, price basis). A sweep's cases and a job's attribution runs read
   * the same bars again and again, and normalising them (dates, validation) cost more than backtesting them: 6.5 s
   * of a 13 s 20-case sweep. A downloaded series is a new Series, so it never meets an old entry. At most
   * NORMALISED_PER_SERIES ranges per series, the least recently read dropped first: a long-running gateway asked for
   * arbitrary ranges keeps a bounded set.
   */
  readonly #normalised = new WeakMap<Series, Map<string, NormalisedBars>>();

  constructor(options: DailyBarStoreOptions) {
    this.#options = options;
    this.name = options.name ?? 'daily-bars';
    this.dataDir = options.dataDir;
    this.cacheDir = options.cacheDir;
    this.download = options.download ?? 'auto';
    this.#clock = options.clock ?? systemClock;
    this.#historyStart = options.historyStart ?? DEFAULT_HISTORY_START;
    this.#source = options.source;
  }

  /** Bars of `symbol` between `from` and `to` (inclusive); its whole stored history when both are omitted. */
  async loadBars(symbol: string, options: LoadBarsOptions = {}): Promise<Bar[]> {
    return (await this.fetchBars(barsQueryOf(symbol, options))).bars;
  }

  /** As loadBars, with the batch's notes (dropped rows, zero-volume days); empty `from`/`to` mean open ends. */
  async fetchBars(query: BarsQuery): Promise<BarBatch> {
    if (query.timeframe !== '1d') {
      throw new UnsupportedRequestError(this.name, `only daily bars are stored, not ${query.timeframe}`);
    }
    const symbol = query.symbol.toUpperCase();
    const range = { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
    const series = await this.#ensure(symbol, range);
    return this.#normalise(series, symbol, range, query.adjusted ?? false);
  }

  /**
   * Loads (downloading where needed) every symbol for `range`, one after another, reporting each to `onProgress`;
   * returns their bars. Symbols that no store has and no download could fetch are collected into one
   * MissingMarketDataError; after a transport failure (no network) the remaining downloads are not tried.
   */
  async prefetch(
    symbols: readonly string[],
    range: DailyBarRange = {},
    onProgress?: (event: DownloadProgress) => void,
  ): Promise<Map<string, Bar[]>> {
    const unique = [...new Set(symbols.map((s) => s.toUpperCase()))];
    const loaded = new Map<string, Bar[]>();
    const missing: string[] = [];
    const failures = new Set<string>();
    let offline: string | undefined;
    for (const [i, symbol] of unique.entries()) {
      const position = { symbol, index: i + 1, total: unique.length };
      try {
        const series = await this.#ensure(symbol, range, {
          ...(offline === undefined ? {} : { offline }),
          onDownloadStart: () =>
            onProgress?.({ ...position, origin: 'download', done: false, rows: 0, bytes: 0 }),
        });
        loaded.set(symbol, this.#normalise(series, symbol, range, false).bars);
        onProgress?.({
          ...position,
          origin: series.origin,
          done: true,
          rows: series.rows.length,
          bytes: series.bytes,
        });
      } catch (error) {
        if (!(error instanceof MissingMarketDataError)) throw error;
        missing.push(symbol);
        const reason = error.downloadFailure ?? 'downloading is off';
        failures.add(reason);
        if (isTransportFailure(error.cause)) offline ??= reason;
        onProgress?.({ ...position, origin: 'download', done: true, rows: 0, bytes: 0, error: reason });
      }
    }
    if (missing.length > 0) {
      throw new MissingMarketDataError({
        symbols: missing,
        dataDir: this.dataDir,
        cacheDir: this.cacheDir,
        downloadFailure: this.download === 'off' ? undefined : [...failures].join('; '),
      });
    }
    return loaded;
  }

  #normalise(series: Series, symbol: string, range: DailyBarRange, adjusted: boolean): BarBatch {
    let known = this.#normalised.get(series);
    if (known === undefined) {
      known = new Map();
      this.#normalised.set(series, known);
    }
    const key = `${symbol}|${range.from ?? ''}|${range.to ?? ''}|${adjusted}`;
    let batch = known.get(key);
    // Kept until a row that was in the future comes due (then it is a bar, or fails its checks, instead).
    if (
      batch === undefined ||
      this.#clock.now().getTime() >= (batch.firstFutureMs ?? Number.POSITIVE_INFINITY)
    ) {
      batch = normaliseBars(series.rows, {
        symbol,
        timeframe: '1d',
        adjusted,
        clock: this.#clock,
        ...(range.from === undefined ? {} : { from: range.from }),
        ...(range.to === undefined ? {} : { to: range.to }),
      });
    }
    // Re-inserted on every read, so the Map's first key is the least recently read.
    known.delete(key);
    known.set(key, batch);
    if (known.size > NORMALISED_PER_SERIES) known.delete(known.keys().next().value as string);
    // Each caller gets its own array (the Bar objects are shared; nothing writes to a bar).
    return { ...batch, bars: batch.bars.slice() };
  }

  #ensure(symbol: string, range: DailyBarRange, hooks: DownloadHooks = {}): Promise<Series> {
    const previous = this.#series.get(symbol);
    const next = (previous ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .then((known) => this.#resolve(symbol, range, known, hooks));
    this.#series.set(symbol, next);
    return next;
  }

  async #resolve(
    symbol: string,
    range: DailyBarRange,
    known: Series | undefined,
    hooks: DownloadHooks,
  ): Promise<Series> {
    const wanted = this.#wanted(range);
    const floor = rowsFloor(range);
    let held = known ?? (await this.#readLocal(symbol, floor));
    // Rows parsed from a later date than this read needs: the whole file this time.
    if (held?.rowsFrom !== undefined && (floor === undefined || floor < held.rowsFrom))
      held = await this.#readLocal(symbol);
    if (held && (held.origin === 'data-folder' || covers(held.coverage, wanted))) return held;
    const gaps = held?.coverage ? this.#gaps(held.coverage, wanted) : [this.#firstDownload(wanted)];
    const missingRange = held
      ? { from: gaps[0]?.from ?? wanted.from, to: gaps.at(-1)?.to ?? wanted.to }
      : undefined;
    const missing = (downloadFailure: string | undefined, cause?: unknown) =>
      new MissingMarketDataError({
        symbols: [symbol],
        dataDir: this.dataDir,
        cacheDir: this.cacheDir,
        downloadFailure,
        ...(missingRange ? { missingRange } : {}),
        ...(cause === undefined ? {} : { cause }),
      });
    if (this.download === 'off') throw missing(undefined);
    if (hooks.offline !== undefined) throw missing(hooks.offline);
    hooks.onDownloadStart?.();
    try {
      return await this.#downloadInto(symbol, held, gaps);
    } catch (error) {
      if (!(error instanceof ProviderError || error instanceof AllProvidersFailedError)) throw error;
      throw missing(failureReason(error), error);
    }
  }

  /** The requested range with open ends filled in: from the history start, to the last closed session. */
  #wanted(range: DailyBarRange): Coverage {
    const closed = this.#lastClosedDate();
    const to = range.to === undefined ? closed : earlier(range.to, closed);
    return { from: range.from ?? this.#historyStart, to };
  }

  #firstDownload(wanted: Coverage): Coverage {
    return {
      from: earlier(wanted.from, this.#historyStart),
      to: this.#lastClosedDate(),
    };
  }

  /** Parts of `wanted` the cache lacks: before its start, and from its end up to the last closed session. */
  #gaps(coverage: Coverage, wanted: Coverage): Coverage[] {
    const gaps: Coverage[] = [];
    const dayBefore = addDays(coverage.from, -1);
    if (nyseSessions(wanted.from, dayBefore).length > 0) gaps.push({ from: wanted.from, to: dayBefore });
    const dayAfter = addDays(coverage.to, 1);
    if (nyseSessions(dayAfter, wanted.to).length > 0)
      gaps.push({ from: dayAfter, to: this.#lastClosedDate() });
    return gaps;
  }

  #lastClosedDate(): string {
    return new Date(this.#clock.now().getTime() - SESSION_FINAL_UTC_HOUR * 3_600_000)
      .toISOString()
      .slice(0, 10);
  }

  /** `rowsFrom`: parse only the data folder file's rows dated from there on (see Series.rowsFrom). */
  async #readLocal(symbol: string, rowsFrom?: string): Promise<Series | undefined> {
    const inDataFolder =
      this.dataDir === undefined ? undefined : findOhlcvCsv(ohlcvDirOf(this.dataDir), symbol);
    if (inDataFolder !== undefined) {
      const text = await readFile(inDataFolder, 'utf8');
      return {
        origin: 'data-folder',
        rows: parseOhlcvCsv(text, this.name, inDataFolder, rowsFrom),
        bytes: byteLength(text),
        ...(rowsFrom === undefined ? {} : { rowsFrom }),
      };
    }
    const cached = findOhlcvCsv(ohlcvDirOf(this.cacheDir), symbol);
    if (cached === undefined) return undefined;
    const text = await readFile(cached, 'utf8');
    const rows = parseOhlcvCsv(text, this.name, cached);
    const coverage = (await this.#readCoverage(symbol)) ?? spanOf(rows);
    return { origin: 'cache', rows, bytes: byteLength(text), ...(coverage ? { coverage } : {}) };
  }

  /** The cache's record of what was downloaded; a hand-placed CSV without one covers its first..last row. */
  async #readCoverage(symbol: string): Promise<Coverage | undefined> {
    const path = this.#coveragePath(symbol);
    if (!existsSync(path)) return undefined;
    let record: Partial<CoverageFile>;
    try {
      record = JSON.parse(await readFile(path, 'utf8')) as Partial<CoverageFile>;
    } catch (error) {
      throw new Error(`download cache record ${path} is unreadable (delete it to download again)`, {
        cause: error,
      });
    }
    return typeof record.from === 'string' && typeof record.to === 'string'
      ? { from: record.from, to: record.to }
      : undefined;
  }

  async #downloadInto(symbol: string, held: Series | undefined, gaps: readonly Coverage[]): Promise<Series> {
    this.#source ??= new FailoverMarketData({
      providers: downloadProviders(this.#options, this.#clock),
      clock: this.#clock,
    });
    const byDate = new Map((held?.rows ?? []).map((row) => [row.ts.slice(0, 10), row]));
    let coverage = held?.coverage;
    const providers: string[] = [];
    for (const gap of gaps) {
      const served = await this.#source.getBars({ symbol, timeframe: '1d', ...gap, adjusted: false });
      providers.push(served.provider);
      for (const bar of served.bars) byDate.set(bar.ts.slice(0, 10), rawRowOf(bar));
      coverage = coverage
        ? { from: earlier(coverage.from, gap.from), to: later(coverage.to, gap.to) }
        : { ...gap };
    }
    const rows = [...byDate.values()].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    const text = formatOhlcvCsv(rows);
    const csvPath = join(ohlcvDirOf(this.cacheDir), `${symbol}.csv`);
    await writeFileAtomically(csvPath, text);
    if (coverage) {
      const record: CoverageFile = {
        symbol,
        ...coverage,
        provider: [...new Set(providers)].join(','),
        downloadedAt: this.#clock.now().toISOString(),
      };
      await writeFileAtomically(this.#coveragePath(symbol), `${JSON.stringify(record, null, 2)}\n`);
    }
    return { origin: 'download', rows, bytes: byteLength(text), ...(coverage ? { coverage } : {}) };
  }

  #coveragePath(symbol: string): string {
    return join(ohlcvDirOf(this.cacheDir), `${symbol}.coverage.json`);
  }
}

interface DownloadHooks {
  /** Set once a download failed for want of a network: the rest are not tried. */
  readonly offline?: string;
  readonly onDownloadStart?: () => void;
}

function covers(coverage: Coverage | undefined, wanted: Coverage): boolean {
  if (!coverage) return false;
  return (
    nyseSessions(wanted.from, addDays(coverage.from, -1)).length === 0 &&
    nyseSessions(addDays(coverage.to, 1), wanted.to).length === 0
  );
}

/**
 * The first date whose rows a read from `range.from` needs parsed. parseOhlcvCsv leaves out only rows dated by a
 * plain YYYY-MM-DD (midnight UTC), which the normaliser's range would drop too; any other row is parsed.
 */
function rowsFloor(range: DailyBarRange): string | undefined {
  return range.from === undefined || range.from === '' ? undefined : range.from;
}

/** ISO dates compare as strings. */
function earlier(a: string, b: string): string {
  return a < b ? a : b;
}

function later(a: string, b: string): string {
  return a > b ? a : b;
}

function spanOf(rows: readonly RawBar[]): Coverage | undefined {
  const first = rows[0]?.ts.slice(0, 10);
  const last = rows.at(-1)?.ts.slice(0, 10);
  return first === undefined || last === undefined ? undefined : { from: first, to: last };
}

function rawRowOf(bar: Bar): RawBar {
  return {
    ts: bar.ts.slice(0, 10),
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    ...(bar.adjClose === undefined ? {} : { adjClose: bar.adjClose }),
  };
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** One line on why no provider could serve: each provider's own message. */
function failureReason(error: ProviderError | AllProvidersFailedError): string {
  return error instanceof AllProvidersFailedError
    ? error.failures.map((f) => f.message).join('; ') || 'no download provider configured'
    : error.message;
}

/** Every provider failed at the transport level (refused, unresolved, timed out): there is no network to try. */
function isTransportFailure(error: unknown): boolean {
  const failures =
    error instanceof AllProvidersFailedError ? error.failures : error instanceof ProviderError ? [error] : [];
  return failures.length > 0 && failures.every((f) => f.kind === 'upstream_down');
}

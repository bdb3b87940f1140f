import type { Bar, EvidenceRequest, EvidenceSnapshot, Timeframe } from '@ats/contracts';
import type { DailyBarRange } from './daily-bar-store';
import type { DownloadProgress } from './download-progress';
import type { LoadBarsOptions } from './local-csv-provider';
import type { BarBatch, BarsQuery } from './provider';

/** Point-in-time evidence of the five sentiment sources (news, social, mood, insider, 13F), e.g. @ats/evidence's. */
export interface EvidenceSource {
  evidenceAt(request: EvidenceRequest): Promise<EvidenceSnapshot>;
}

/** What a new-bar subscription listens for. */
export interface NewBarsRequest {
  readonly symbols: readonly string[];
  readonly timeframe: Timeframe;
  /** Open time (`ts`) of the last bar the caller already has per symbol; only later bars are delivered. */
  readonly after?: Readonly<Record<string, string>>;
}

export interface BarSubscription {
  /** Stops delivery; resolves once no handler call is in progress. */
  close(): Promise<void>;
}

/**
 * The one way trading code reads market data (backtest, paper, live, analyze). Two adapters keep the same
 * contract: in-process (the data folder → download cache → download chain, no servers) and a NATS client of the
 * data gateway. Bars are unadjusted with the source's `adjClose` unless `adjusted` is asked for, so dividends can
 * be derived from them.
 */
export interface MarketDataPort {
  /** `in-process` or `data-gateway`: printed in logs so a run says where its data came from. */
  readonly name: string;
  /** Bars of one symbol between two dates, inclusive; an empty `from`/`to` is an open end (whole history / today). */
  fetchBars(query: BarsQuery): Promise<BarBatch>;
  /** fetchBars for daily bars by default, without the batch notes. */
  loadBars(symbol: string, options?: LoadBarsOptions): Promise<Bar[]>;
  /**
   * Makes sure every symbol's daily bars for `range` can be served before a run starts (downloading where
   * needed, reporting each symbol to `onProgress`); symbols nothing can serve are named together in one
   * MissingMarketDataError.
   */
  prefetch(
    symbols: readonly string[],
    range?: DailyBarRange,
    onProgress?: (event: DownloadProgress) => void,
  ): Promise<Map<string, Bar[]>>;
  /** The last closed bar of each symbol at or before `asOf` (default now); symbols with none are absent. */
  latestBars(symbols: readonly string[], timeframe: Timeframe, asOf?: Date): Promise<Map<string, Bar>>;
  /** Calls `onBar` once for each new closed bar of the symbols, per symbol in time order, as it becomes known. */
  subscribeBars(request: NewBarsRequest, onBar: (bar: Bar) => void | Promise<void>): Promise<BarSubscription>;
  /** What the sentiment sources knew about the symbols at `asOf`: nothing whose availableAt is later. */
  evidenceAt(request: EvidenceRequest): Promise<EvidenceSnapshot>;
  /** Stops polling and subscriptions (the bus connection, when there is one, belongs to the caller). */
  close(): Promise<void>;
}

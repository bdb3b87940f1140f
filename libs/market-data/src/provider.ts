import type { Bar, NewsItem, Quote, Timeframe } from '@ats/contracts';
import type { RejectedRow } from './row-rejection';

/** Bars of one symbol between two trading dates, both inclusive (`YYYY-MM-DD`, UTC calendar dates). */
export interface BarsQuery {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly from: string;
  readonly to: string;
  /** Ask for split/dividend adjusted prices; a provider that has none answers with `adjusted: false` bars. */
  readonly adjusted?: boolean;
}

/** What a provider served after validation: good bars, and how many rows it had to throw away. */
export interface BarBatch {
  readonly bars: Bar[];
  readonly droppedRows: number;
  /** Why each dropped row was rejected, and the duplicated dates (see NormalisedBars); absent when none. */
  readonly rejectedRows?: RejectedRow[];
  readonly duplicateDates?: string[];
  /** Trading dates of bars with volume 0 (kept; see NormalisedBars); absent when there are none. */
  readonly zeroVolumeDays?: string[];
}

export interface NewsQuery {
  readonly symbols: readonly string[];
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
}

/** One source of market data. Every method may reject with a ProviderError subclass. */
export interface MarketDataProvider {
  readonly name: string;
  fetchBars(query: BarsQuery): Promise<BarBatch>;
  fetchQuote?(symbol: string): Promise<Quote>;
  fetchNews?(query: NewsQuery): Promise<NewsItem[]>;
}

import {
  type Clock,
  type NewsItem,
  NewsItemSchema,
  type Quote,
  QuoteSchema,
  SymbolSchema,
  systemClock,
  type Timeframe,
} from '@ats/contracts';
import {
  AuthError,
  MalformedResponseError,
  RateLimitedError,
  UnknownSymbolError,
  UnsupportedRequestError,
} from './errors';
import {
  type HttpProviderSettings,
  type HttpReply,
  ProviderHttpClient,
  parseJsonBody,
  snippet,
} from './http-client';
import { normaliseBars, type RawBar } from './normalise';
import type { BarBatch, BarsQuery, MarketDataProvider, NewsQuery } from './provider';
import { isObject, type Json, num } from './provider-json';
import { canonicalTimeZone, zonedWallClockToUtc } from './zoned-time';

export const ALPHA_VANTAGE_BASE_URL = 'https://www.alphavantage.co';

/** Free-tier quota as published in 2024 (25 requests per day; 5 per minute kept as a courtesy ceiling). */
export const ALPHA_VANTAGE_FREE_QUOTA = { requestsPerMinute: 5, requestsPerDay: 25 } as const;

const INTRADAY_INTERVALS: Partial<Record<Timeframe, string>> = {
  '1m': '1min',
  '5m': '5min',
  '15m': '15min',
  '30m': '30min',
  '1h': '60min',
};

/** `outputsize=compact` returns the latest 100 points; older ranges need `full`. */
const COMPACT_SPAN_DAYS = 140;
const DAY_MS = 86_400_000;

export interface AlphaVantageOptions extends HttpProviderSettings {
  readonly apiKey: string;
  readonly clock?: Clock;
  readonly name?: string;
}

/**
 * Alpha Vantage (`/query?function=...`). Daily: TIME_SERIES_DAILY (raw) or TIME_SERIES_DAILY_ADJUSTED when
 * adjusted prices are asked for; intraday: TIME_SERIES_INTRADAY (wall-clock times in `Meta Data` time zone,
 * taken as bar open times); GLOBAL_QUOTE; NEWS_SENTIMENT. Alpha Vantage answers HTTP 200 even for failures:
 * `Note` / `Information` (quota) and `Error Message` (bad symbol or parameters) are classified here.
 */
export class AlphaVantageProvider implements MarketDataProvider {
  readonly name: string;
  readonly http: ProviderHttpClient;
  readonly #apiKey: string;
  readonly #baseUrl: string;
  readonly #clock: Clock;

  constructor(options: AlphaVantageOptions) {
    this.name = options.name ?? 'alpha-vantage';
    this.#apiKey = options.apiKey;
    this.#baseUrl = options.baseUrl ?? ALPHA_VANTAGE_BASE_URL;
    this.#clock = options.clock ?? systemClock;
    this.http = new ProviderHttpClient(this.name, options);
  }

  async fetchBars(query: BarsQuery): Promise<BarBatch> {
    const symbol = query.symbol.toUpperCase();
    const adjusted = query.adjusted ?? false;
    const params: Record<string, string> = { symbol };
    if (query.timeframe === '1d') {
      params.function = adjusted ? 'TIME_SERIES_DAILY_ADJUSTED' : 'TIME_SERIES_DAILY';
      const spanDays = (this.#clock.now().getTime() - Date.parse(`${query.from}T00:00:00Z`)) / DAY_MS;
      params.outputsize = spanDays > COMPACT_SPAN_DAYS ? 'full' : 'compact';
    } else {
      const interval = INTRADAY_INTERVALS[query.timeframe];
      if (!interval)
        throw new UnsupportedRequestError(this.name, `no intraday interval for ${query.timeframe}`);
      params.function = 'TIME_SERIES_INTRADAY';
      params.interval = interval;
      params.adjusted = String(adjusted);
      params.outputsize = 'full';
    }
    const rows = await this.http.get(this.#url(params), (reply) => this.#seriesRows(reply, symbol));
    return normaliseBars(rows, {
      symbol,
      timeframe: query.timeframe,
      // Intraday `adjusted=true` is adjusted at the source already, without a separate adjusted close.
      adjusted: adjusted && query.timeframe === '1d',
      sourceAdjusted: adjusted && query.timeframe !== '1d',
      clock: this.#clock,
      from: query.from,
      to: query.to,
    });
  }

  async fetchQuote(symbol: string): Promise<Quote> {
    const upper = symbol.toUpperCase();
    return this.http.get(this.#url({ function: 'GLOBAL_QUOTE', symbol: upper }), (reply) => {
      const body = this.#body(reply, upper);
      const quote = body['Global Quote'];
      if (!isObject(quote))
        throw new MalformedResponseError(this.name, `no "Global Quote" in ${snippet(reply.body)}`);
      if (Object.keys(quote).length === 0)
        throw new UnknownSymbolError(this.name, upper, `no quote for ${upper}`);
      const day = String(quote['07. latest trading day'] ?? '');
      // The quote carries only the trading date: its price is at the latest that day's 16:00 New York close.
      const sessionClose = zonedWallClockToUtc(`${day} 16:00:00`, 'America/New_York');
      const ts = Math.min(sessionClose, this.#clock.now().getTime());
      const result = QuoteSchema.safeParse({
        symbol: upper,
        price: num(quote['05. price']),
        volume: num(quote['06. volume']),
        change: num(quote['09. change']),
        changePercent: num(String(quote['10. change percent'] ?? '').replace('%', '')),
        ts: Number.isFinite(ts) ? new Date(ts).toISOString() : '',
        provider: this.name,
      });
      if (!result.success) throw new MalformedResponseError(this.name, `bad quote ${snippet(reply.body)}`);
      return result.data;
    });
  }

  async fetchNews(query: NewsQuery): Promise<NewsItem[]> {
    const params: Record<string, string> = {
      function: 'NEWS_SENTIMENT',
      tickers: query.symbols.map((s) => s.toUpperCase()).join(','),
      sort: 'LATEST',
      limit: String(query.limit),
    };
    if (query.from) params.time_from = toAlphaVantageTime(query.from);
    if (query.to) params.time_to = toAlphaVantageTime(query.to);
    return this.http.get(this.#url(params), (reply) => {
      const body = this.#body(reply, params.tickers as string);
      if (!Array.isArray(body.feed))
        throw new MalformedResponseError(this.name, `no "feed" in ${snippet(reply.body)}`);
      const items: NewsItem[] = [];
      for (const article of body.feed) {
        const item = parseNewsArticle(article);
        if (item) items.push(item);
      }
      return items.slice(0, query.limit);
    });
  }

  #url(params: Record<string, string>): URL {
    const url = new URL('/query', this.#baseUrl);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    url.searchParams.set('apikey', this.#apiKey);
    return url;
  }

  /** Parses the body and turns Alpha Vantage's 200-with-a-message failures into typed errors. */
  #body(reply: HttpReply, symbol: string): Json {
    const body = parseJsonBody(this.name, reply);
    if (!isObject(body))
      throw new MalformedResponseError(this.name, `expected a JSON object: ${snippet(reply.body)}`);
    const error = body['Error Message'];
    const note = body.Note;
    const information = body.Information;
    const message = String(error ?? note ?? information ?? '');
    if (/apikey/i.test(message)) throw new AuthError(this.name, message);
    if (typeof error === 'string') throw new UnknownSymbolError(this.name, symbol, error);
    if (typeof information === 'string' && /premium endpoint/i.test(information)) {
      throw new AuthError(this.name, `plan does not include this function: ${information}`);
    }
    if (typeof note === 'string' || typeof information === 'string') {
      throw new RateLimitedError(this.name, message);
    }
    return body;
  }

  #seriesRows(reply: HttpReply, symbol: string): RawBar[] {
    const body = this.#body(reply, symbol);
    const seriesKey = Object.keys(body).find((key) => key.startsWith('Time Series'));
    const series = seriesKey === undefined ? undefined : body[seriesKey];
    const meta = body['Meta Data'];
    if (!isObject(series) || !isObject(meta)) {
      throw new MalformedResponseError(this.name, `no time series in ${snippet(reply.body)}`);
    }
    const zoneKey = Object.keys(meta).find((key) => /time zone/i.test(key));
    const timeZone = canonicalTimeZone(zoneKey === undefined ? undefined : String(meta[zoneKey]));
    return Object.entries(series).map(([when, values]) => {
      const v = isObject(values) ? values : {};
      const adjClose = v['5. adjusted close'];
      const isDaily = /^\d{4}-\d{2}-\d{2}$/.test(when);
      const ts = isDaily ? when : new Date(zonedWallClockToUtc(when, timeZone)).toISOString();
      return {
        ts: Number.isNaN(Date.parse(ts)) ? when : ts,
        open: num(v['1. open']),
        high: num(v['2. high']),
        low: num(v['3. low']),
        close: num(v['4. close']),
        // DAILY and INTRADAY put volume at 5; DAILY_ADJUSTED at 6 (5 is the adjusted close).
        volume: num(adjClose === undefined ? v['5. volume'] : v['6. volume']),
        ...(adjClose === undefined ? {} : { adjClose: num(adjClose) }),
      };
    });
  }
}

/** `20240105T143000` → ISO instant. Alpha Vantage does not name a zone for news times; they are read as UTC. */
function fromAlphaVantageTime(value: unknown): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?$/.exec(String(value ?? ''));
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s = '00'] = match;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`;
}

function toAlphaVantageTime(iso: string): string {
  const date = new Date(iso);
  return date.toISOString().slice(0, 16).replace(/[-:]/g, '');
}

function parseNewsArticle(article: unknown): NewsItem | undefined {
  if (!isObject(article)) return undefined;
  const tickers = Array.isArray(article.ticker_sentiment) ? article.ticker_sentiment : [];
  const symbols = tickers
    .map((t) => (isObject(t) ? String(t.ticker ?? '') : ''))
    .filter((t) => SymbolSchema.safeParse(t).success);
  const score = num(article.overall_sentiment_score);
  const result = NewsItemSchema.safeParse({
    id: String(article.url ?? ''),
    source: String(article.source ?? 'alpha-vantage'),
    publishedAt: fromAlphaVantageTime(article.time_published),
    title: String(article.title ?? ''),
    summary: String(article.summary ?? ''),
    url: article.url,
    symbols,
    // Alpha Vantage scores lie in [-1, 1] by definition (bearish <= -0.35, bullish >= 0.35).
    ...(Number.isFinite(score) ? { providerSentiment: Math.max(-1, Math.min(1, score)) } : {}),
  });
  return result.success ? result.data : undefined;
}

import { type Clock, type Quote, QuoteSchema, systemClock, type Timeframe } from '@ats/contracts';
import { MalformedResponseError, UnknownSymbolError, UnsupportedRequestError } from './errors';
import {
  type HttpProviderSettings,
  type HttpReply,
  ProviderHttpClient,
  parseJsonBody,
  snippet,
} from './http-client';
import { normaliseBars, type RawBar } from './normalise';
import type { BarBatch, BarsQuery, MarketDataProvider } from './provider';
import { isObject, type Json, num } from './provider-json';
import { addDays, canonicalTimeZone, tradingDateIn } from './zoned-time';

export const YAHOO_CHART_BASE_URL = 'https://query1.finance.yahoo.com';

/**
 * Yahoo answers 429 "Too Many Requests" to clients that send no browser-like User-Agent (a long-standing,
 * widely reported behaviour of its unofficial endpoints), so one is sent unless the settings name another.
 */
export const YAHOO_DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** Unofficial endpoint with no published quota; ~60 chart calls a minute is the community-observed ceiling. */
export const YAHOO_DEFAULT_QUOTA = { requestsPerMinute: 60, requestsPerDay: 2000 } as const;

const INTERVALS: Record<Timeframe, string> = {
  '1m': '1m',
  '5m': '5m',
  '15m': '15m',
  '30m': '30m',
  '1h': '60m',
  '1d': '1d',
};

export interface YahooChartOptions extends HttpProviderSettings {
  readonly clock?: Clock;
  readonly name?: string;
}

/**
 * Yahoo Finance chart API v8 (`/v8/finance/chart/{symbol}?period1&period2&interval`), the unofficial backup.
 * Daily timestamps are the session open in exchange time; they are mapped to the trading date in
 * `meta.exchangeTimezoneName`. Adjusted bars scale OHLC by `adjclose / close`.
 */
export class YahooChartProvider implements MarketDataProvider {
  readonly name: string;
  readonly http: ProviderHttpClient;
  readonly #baseUrl: string;
  readonly #clock: Clock;

  constructor(options: YahooChartOptions = {}) {
    this.name = options.name ?? 'yahoo';
    this.#baseUrl = options.baseUrl ?? YAHOO_CHART_BASE_URL;
    this.#clock = options.clock ?? systemClock;
    this.http = new ProviderHttpClient(this.name, {
      ...options,
      userAgent: options.userAgent ?? YAHOO_DEFAULT_USER_AGENT,
    });
  }

  async fetchBars(query: BarsQuery): Promise<BarBatch> {
    const symbol = query.symbol.toUpperCase();
    const url = this.#url(symbol, {
      period1: String(Date.parse(`${query.from}T00:00:00Z`) / 1000),
      // period2 is exclusive: the day after `to` at 00:00 UTC.
      period2: String(Date.parse(`${addDays(query.to, 1)}T00:00:00Z`) / 1000),
      interval: INTERVALS[query.timeframe],
      events: 'div,split',
      includeAdjustedClose: 'true',
    });
    const rows = await this.http.get(url, (reply) => this.#rows(reply, symbol, query.timeframe));
    return normaliseBars(rows, {
      symbol,
      timeframe: query.timeframe,
      adjusted: query.adjusted ?? false,
      clock: this.#clock,
      from: query.from,
      to: query.to,
    });
  }

  async fetchQuote(symbol: string): Promise<Quote> {
    const upper = symbol.toUpperCase();
    return this.http.get(this.#url(upper, { range: '1d', interval: '1d' }), (reply) => {
      const meta = this.#result(reply, upper).meta;
      if (!isObject(meta)) throw new MalformedResponseError(this.name, `no meta in ${snippet(reply.body)}`);
      const price = num(meta.regularMarketPrice);
      const previous = num(meta.chartPreviousClose ?? meta.previousClose);
      const ts = Math.min(num(meta.regularMarketTime) * 1000, this.#clock.now().getTime());
      const result = QuoteSchema.safeParse({
        symbol: upper,
        price,
        ...(Number.isFinite(num(meta.regularMarketVolume)) ? { volume: num(meta.regularMarketVolume) } : {}),
        ...(Number.isFinite(previous) && previous > 0
          ? { change: price - previous, changePercent: ((price - previous) / previous) * 100 }
          : {}),
        ts: Number.isFinite(ts) ? new Date(ts).toISOString() : '',
        provider: this.name,
      });
      if (!result.success) throw new MalformedResponseError(this.name, `bad quote ${snippet(reply.body)}`);
      return result.data;
    });
  }

  #url(symbol: string, params: Record<string, string>): URL {
    const url = new URL(`/v8/finance/chart/${encodeURIComponent(symbol)}`, this.#baseUrl);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url;
  }

  #result(reply: HttpReply, symbol: string): Json {
    const body = parseJsonBody(this.name, reply);
    const chart = isObject(body) ? body.chart : undefined;
    if (!isObject(chart)) throw new MalformedResponseError(this.name, `no "chart" in ${snippet(reply.body)}`);
    if (isObject(chart.error)) {
      const code = String(chart.error.code ?? '');
      const description = String(chart.error.description ?? '');
      if (/not found/i.test(code) || /delisted|no data found/i.test(description)) {
        throw new UnknownSymbolError(this.name, symbol, `${code}: ${description}`);
      }
      throw new UnsupportedRequestError(this.name, `refused (${code}): ${description}`);
    }
    const result = Array.isArray(chart.result) ? chart.result[0] : undefined;
    if (!isObject(result))
      throw new MalformedResponseError(this.name, `empty chart.result in ${snippet(reply.body)}`);
    return result;
  }

  #rows(reply: HttpReply, symbol: string, timeframe: Timeframe): RawBar[] {
    const result = this.#result(reply, symbol);
    // No `timestamp` key at all is how Yahoo says "no bars in this range".
    if (result.timestamp === undefined) return [];
    const indicators = isObject(result.indicators) ? result.indicators : {};
    const quote =
      Array.isArray(indicators.quote) && isObject(indicators.quote[0]) ? indicators.quote[0] : undefined;
    const adj =
      Array.isArray(indicators.adjclose) && isObject(indicators.adjclose[0]) ? indicators.adjclose[0] : {};
    if (!Array.isArray(result.timestamp) || !quote) {
      throw new MalformedResponseError(this.name, `no timestamp/quote arrays in ${snippet(reply.body)}`);
    }
    const meta = isObject(result.meta) ? result.meta : {};
    const timeZone = canonicalTimeZone(
      typeof meta.exchangeTimezoneName === 'string' ? meta.exchangeTimezoneName : undefined,
    );
    const column = (values: unknown, i: number) =>
      Array.isArray(values) ? num(values[i] ?? Number.NaN) : Number.NaN;
    return result.timestamp.map((seconds, i): RawBar => {
      const ms = num(seconds) * 1000;
      const adjClose = column(adj.adjclose, i);
      return {
        ts: Number.isFinite(ms)
          ? timeframe === '1d'
            ? tradingDateIn(ms, timeZone)
            : new Date(ms).toISOString()
          : '',
        open: column(quote.open, i),
        high: column(quote.high, i),
        low: column(quote.low, i),
        close: column(quote.close, i),
        volume: column(quote.volume, i),
        ...(Number.isNaN(adjClose) ? {} : { adjClose }),
      };
    });
  }
}

import { type Clock, type Quote, QuoteSchema, systemClock, type Timeframe } from '@ats/contracts';
import {
  AuthError,
  MalformedResponseError,
  RateLimitedError,
  UnknownSymbolError,
  UnsupportedRequestError,
  UpstreamDownError,
} from './errors';
import {
  type HttpProviderSettings,
  type HttpReply,
  ProviderHttpClient,
  parseJsonBody,
  snippet,
} from './http-client';
import { normaliseBars, type RawBar } from './normalise';
import type { BarBatch, BarsQuery, MarketDataProvider } from './provider';
import { isObject, num } from './provider-json';
import { addDays, canonicalTimeZone, zonedWallClockToUtc } from './zoned-time';

export const TWELVE_DATA_BASE_URL = 'https://api.twelvedata.com';

/** Basic (free) plan: 8 API credits per minute, 800 per day; one time_series or quote call costs one credit. */
export const TWELVE_DATA_FREE_QUOTA = { requestsPerMinute: 8, requestsPerDay: 800 } as const;

const INTERVALS: Record<Timeframe, string> = {
  '1m': '1min',
  '5m': '5min',
  '15m': '15min',
  '30m': '30min',
  '1h': '1h',
  '1d': '1day',
};

/** Largest `outputsize` Twelve Data accepts. */
const MAX_OUTPUT_SIZE = 5000;

export interface TwelveDataOptions extends HttpProviderSettings {
  readonly apiKey: string;
  readonly clock?: Clock;
  readonly name?: string;
}

/**
 * Twelve Data `/time_series` and `/quote`. Datetimes are wall-clock times in `meta.exchange_timezone` (daily:
 * the trading date). Failures come as `{status: "error", code, message}`, often with HTTP 200, so the body's
 * `code` is classified like an HTTP status. Prices are served as sent (split-adjusted by Twelve Data's default,
 * no dividend adjustment) and flagged `adjusted: false`.
 */
export class TwelveDataProvider implements MarketDataProvider {
  readonly name: string;
  readonly http: ProviderHttpClient;
  readonly #apiKey: string;
  readonly #baseUrl: string;
  readonly #clock: Clock;

  constructor(options: TwelveDataOptions) {
    this.name = options.name ?? 'twelve-data';
    this.#apiKey = options.apiKey;
    this.#baseUrl = options.baseUrl ?? TWELVE_DATA_BASE_URL;
    this.#clock = options.clock ?? systemClock;
    this.http = new ProviderHttpClient(this.name, options);
  }

  async fetchBars(query: BarsQuery): Promise<BarBatch> {
    const symbol = query.symbol.toUpperCase();
    const url = this.#url('/time_series', {
      symbol,
      interval: INTERVALS[query.timeframe],
      start_date: query.from,
      // end_date is treated as exclusive by the API; ask one day more and trim in normalisation.
      end_date: addDays(query.to, 1),
      outputsize: String(MAX_OUTPUT_SIZE),
      order: 'ASC',
    });
    const rows = await this.http.get(url, (reply) => this.#seriesRows(reply, symbol));
    return normaliseBars(rows, {
      symbol,
      timeframe: query.timeframe,
      adjusted: false,
      clock: this.#clock,
      from: query.from,
      to: query.to,
    });
  }

  async fetchQuote(symbol: string): Promise<Quote> {
    const upper = symbol.toUpperCase();
    return this.http.get(this.#url('/quote', { symbol: upper }), (reply) => {
      const body = this.#body(reply, upper);
      if (body === 'no_data') throw new UnknownSymbolError(this.name, upper, `no quote for ${upper}`);
      const updated = num(body.timestamp) * 1000;
      const ts = Math.min(Number.isFinite(updated) ? updated : Number.NaN, this.#clock.now().getTime());
      const result = QuoteSchema.safeParse({
        symbol: upper,
        price: num(body.close),
        volume: num(body.volume),
        change: num(body.change),
        changePercent: num(body.percent_change),
        ts: Number.isFinite(ts) ? new Date(ts).toISOString() : '',
        provider: this.name,
      });
      if (!result.success) throw new MalformedResponseError(this.name, `bad quote ${snippet(reply.body)}`);
      return result.data;
    });
  }

  #url(path: string, params: Record<string, string>): URL {
    const url = new URL(path, this.#baseUrl);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    url.searchParams.set('apikey', this.#apiKey);
    return url;
  }

  /** The parsed body, `no_data` for "no data on these dates", or a typed error for `status: "error"`. */
  #body(reply: HttpReply, symbol: string): Record<string, unknown> | 'no_data' {
    const body = parseJsonBody(this.name, reply);
    if (!isObject(body))
      throw new MalformedResponseError(this.name, `expected a JSON object: ${snippet(reply.body)}`);
    if (body.status !== 'error') return body;
    const code = num(body.code);
    const message = String(body.message ?? 'error without message');
    if (code === 429) throw new RateLimitedError(this.name, message);
    if (code === 401 || code === 403) throw new AuthError(this.name, message);
    if (code >= 500) throw new UpstreamDownError(this.name, message, code);
    if (/no data is available/i.test(message)) return 'no_data';
    if (code === 404 || /symbol\W*(with specified criteria )?not found/i.test(message)) {
      throw new UnknownSymbolError(this.name, symbol, message);
    }
    throw new UnsupportedRequestError(this.name, `refused (${code}): ${message}`);
  }

  #seriesRows(reply: HttpReply, symbol: string): RawBar[] {
    const body = this.#body(reply, symbol);
    if (body === 'no_data') return [];
    const meta = body.meta;
    if (!isObject(meta) || !Array.isArray(body.values)) {
      throw new MalformedResponseError(this.name, `no meta/values in ${snippet(reply.body)}`);
    }
    const timeZone = canonicalTimeZone(
      typeof meta.exchange_timezone === 'string' ? meta.exchange_timezone : undefined,
    );
    return body.values.map((value): RawBar => {
      const v = isObject(value) ? value : {};
      const when = String(v.datetime ?? '');
      const isDaily = /^\d{4}-\d{2}-\d{2}$/.test(when);
      const utc = isDaily ? Number.NaN : zonedWallClockToUtc(when, timeZone);
      return {
        ts: isDaily ? when : Number.isFinite(utc) ? new Date(utc).toISOString() : when,
        open: num(v.open),
        high: num(v.high),
        low: num(v.low),
        close: num(v.close),
        volume: num(v.volume),
      };
    });
  }
}

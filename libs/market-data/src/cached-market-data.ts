import {
  type Bar,
  BarSchema,
  type Clock,
  type NewsItem,
  NewsItemSchema,
  type Quote,
  QuoteSchema,
} from '@ats/contracts';
import { LRUCache } from 'lru-cache';
import type { z } from 'zod';
import { type BarStore, dailyBarsCoverRange } from './bar-store';
import type { MarketDataSource, ServedBars, ServedNews } from './failover-market-data';
import type { BarsQuery, NewsQuery } from './provider';
import type { SharedCache } from './shared-cache';
import { addDays, tradingDateIn } from './zoned-time';

/** How long each kind of data stays fresh (seed 5.3 defaults). */
export interface CacheTtlPolicy {
  /** Quotes: 1–5 minutes; default 1 minute. */
  readonly quoteMs: number;
  readonly indicatorsMs: number;
  readonly newsMs: number;
  /** History that includes today's (still changing) bar, or adjusted history (changes with each dividend). */
  readonly historyMs: number;
  /** Unadjusted history of closed sessions only: immutable, kept as long as memory allows. */
  readonly closedHistoryMs: number;
}

export const DEFAULT_CACHE_TTL: CacheTtlPolicy = {
  quoteMs: 60_000,
  indicatorsMs: 300_000,
  newsMs: 300_000,
  historyMs: 3_600_000,
  closedHistoryMs: 86_400_000,
};

/** Daily bars close with the New York session; a date before today's New York date is a closed session. */
const EXCHANGE_TIME_ZONE = 'America/New_York';
const DEFAULT_L1_ENTRIES = 5_000;

export type CacheTier = 'l1' | 'l2' | 'l3';
export type CacheOutcome = CacheTier | 'miss';

export interface TierStats {
  hits: number;
  misses: number;
}
export type CacheStats = Record<CacheTier, TierStats>;

export interface CachedBars extends ServedBars {
  /** Which tier answered, or `miss` when a provider did. */
  readonly cache: CacheOutcome;
}

export interface CachedMarketDataOptions {
  readonly source: MarketDataSource;
  readonly clock: Clock;
  readonly ttl?: Partial<CacheTtlPolicy>;
  readonly l1MaxEntries?: number;
  /** L2, shared across gateway instances (NATS KV). */
  readonly shared?: SharedCache;
  /** L3, durable closed bars (Postgres). */
  readonly store?: BarStore;
  /** Called when L2/L3 fail; the request then falls through to the next tier or the provider. */
  readonly onTierError?: (tier: CacheTier, error: unknown) => void;
}

interface Envelope {
  /** Epoch ms (injected clock) after which the entry is stale. */
  readonly e: number;
  readonly v: unknown;
}

type Validator<T> = (value: unknown) => T | undefined;

/**
 * Market data through three cache tiers: L1 in-process LRU, L2 shared KV, L3 durable closed bars. Only
 * validated data is cached (never errors, never empty answers); what is read back from L2/L3 is validated
 * again. Concurrent misses for one key share one upstream call.
 */
export class CachedMarketData implements MarketDataSource {
  readonly #source: MarketDataSource;
  readonly #clock: Clock;
  readonly #ttl: CacheTtlPolicy;
  readonly #l1: LRUCache<string, Envelope>;
  readonly #shared: SharedCache | undefined;
  readonly #store: BarStore | undefined;
  readonly #onTierError: (tier: CacheTier, error: unknown) => void;
  readonly #inFlight = new Map<string, Promise<unknown>>();
  readonly #stats: CacheStats = {
    l1: { hits: 0, misses: 0 },
    l2: { hits: 0, misses: 0 },
    l3: { hits: 0, misses: 0 },
  };

  constructor(options: CachedMarketDataOptions) {
    this.#source = options.source;
    this.#clock = options.clock;
    this.#ttl = { ...DEFAULT_CACHE_TTL, ...options.ttl };
    this.#l1 = new LRUCache({ max: options.l1MaxEntries ?? DEFAULT_L1_ENTRIES });
    this.#shared = options.shared;
    this.#store = options.store;
    this.#onTierError =
      options.onTierError ?? ((tier, error) => console.error(`market-data ${tier} failed`, error));
  }

  /** Hit/miss counts per tier since start (a copy). */
  cacheStats(): CacheStats {
    return structuredClone(this.#stats);
  }

  async getBars(query: BarsQuery): Promise<CachedBars> {
    const symbol = query.symbol.toUpperCase();
    const normalised = { ...query, symbol, adjusted: query.adjusted ?? false };
    const key = `bars.${query.timeframe}.${symbol}.${query.from}.${query.to}.${normalised.adjusted ? 'adj' : 'raw'}`;
    const closed = !normalised.adjusted && query.to < this.#today();
    const ttlMs = closed ? this.#ttl.closedHistoryMs : this.#ttl.historyMs;

    const cached = await this.#readCaches(key, validServedBars);
    if (cached) return { ...cached.value, cache: cached.tier };

    return this.#singleFlight(key, async () => {
      const fromStore = closed && query.timeframe === '1d' ? await this.#readStore(normalised) : undefined;
      if (fromStore) {
        await this.#writeCaches(key, fromStore, ttlMs);
        return { ...fromStore, cache: 'l3' as const };
      }
      const served = await this.#source.getBars(normalised);
      if (validServedBars(served) && served.bars.length > 0) {
        await this.#writeCaches(key, served, ttlMs);
        await this.#writeStore(served);
      }
      return { ...served, cache: 'miss' as const };
    });
  }

  async getQuote(symbol: string): Promise<Quote> {
    const upper = symbol.toUpperCase();
    return this.remember(`quote.${upper}`, this.#ttl.quoteMs, validator(QuoteSchema), () =>
      this.#source.getQuote(upper),
    );
  }

  async getNews(query: NewsQuery): Promise<ServedNews> {
    const key = `news.${[...query.symbols].sort().join('_')}.${query.from ?? ''}.${query.to ?? ''}.${query.limit}`;
    return this.remember(key, this.#ttl.newsMs, validServedNews, () => this.#source.getNews(query));
  }

  /** Indicator values (or anything the gateway computes) under the indicators TTL, validated by `schema`. */
  async rememberIndicators<S extends z.ZodType>(key: string, schema: S, compute: () => Promise<z.output<S>>) {
    return this.remember(`ind.${key}`, this.#ttl.indicatorsMs, validator(schema), compute);
  }

  /** Read-through L1/L2 for one key; `load` runs once per key at a time; invalid results are returned, not cached. */
  async remember<T>(key: string, ttlMs: number, validate: Validator<T>, load: () => Promise<T>): Promise<T> {
    const cached = await this.#readCaches(key, validate);
    if (cached) return cached.value;
    return this.#singleFlight(key, async () => {
      const value = await load();
      if (validate(value) !== undefined) await this.#writeCaches(key, value, ttlMs);
      return value;
    });
  }

  #today(): string {
    return tradingDateIn(this.#clock.now().getTime(), EXCHANGE_TIME_ZONE);
  }

  async #singleFlight<T>(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const promise = load().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }

  async #readCaches<T>(
    key: string,
    validate: Validator<T>,
  ): Promise<{ tier: CacheTier; value: T } | undefined> {
    const now = this.#clock.now().getTime();
    const local = this.#l1.get(key);
    const fromL1 = local && local.e > now ? validate(local.v) : undefined;
    if (fromL1 !== undefined) {
      this.#stats.l1.hits += 1;
      return { tier: 'l1', value: fromL1 };
    }
    this.#stats.l1.misses += 1;
    if (!this.#shared) return undefined;
    try {
      const text = await this.#shared.get(key);
      const envelope = text === undefined ? undefined : parseEnvelope(text);
      const value = envelope && envelope.e > now ? validate(envelope.v) : undefined;
      if (value === undefined) {
        this.#stats.l2.misses += 1;
        return undefined;
      }
      this.#stats.l2.hits += 1;
      this.#l1.set(key, { e: (envelope as Envelope).e, v: value }, { ttl: (envelope as Envelope).e - now });
      return { tier: 'l2', value };
    } catch (error) {
      this.#stats.l2.misses += 1;
      this.#onTierError('l2', error);
      return undefined;
    }
  }

  async #writeCaches(key: string, value: unknown, ttlMs: number): Promise<void> {
    const envelope: Envelope = { e: this.#clock.now().getTime() + ttlMs, v: value };
    this.#l1.set(key, envelope, { ttl: ttlMs });
    if (!this.#shared) return;
    try {
      await this.#shared.set(key, JSON.stringify(envelope));
    } catch (error) {
      this.#onTierError('l2', error);
    }
  }

  async #readStore(query: BarsQuery & { symbol: string }): Promise<ServedBars | undefined> {
    if (!this.#store) return undefined;
    try {
      const stored = await this.#store.loadBars(query.symbol, query.timeframe, query.from, query.to);
      const bars = stored.bars.filter((bar) => BarSchema.safeParse(bar).success && !bar.adjusted);
      if (
        bars.length === stored.bars.length &&
        dailyBarsCoverRange(bars, query.from, this.#lastClosedDate(query.to))
      ) {
        this.#stats.l3.hits += 1;
        return { provider: stored.sources.join('+') || 'bar-store', bars, droppedRows: 0 };
      }
    } catch (error) {
      this.#onTierError('l3', error);
    }
    this.#stats.l3.misses += 1;
    return undefined;
  }

  async #writeStore(served: ServedBars): Promise<void> {
    if (!this.#store) return;
    const today = this.#today();
    const closed = served.bars.filter(
      (bar) => bar.timeframe === '1d' && !bar.adjusted && bar.ts.slice(0, 10) < today,
    );
    if (closed.length === 0) return;
    try {
      await this.#store.saveBars(closed, served.provider);
    } catch (error) {
      this.#onTierError('l3', error);
    }
  }

  #lastClosedDate(to: string): string {
    const yesterday = addDays(this.#today(), -1);
    return to < yesterday ? to : yesterday;
  }
}

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<Envelope>;
    return typeof parsed?.e === 'number' && 'v' in parsed ? (parsed as Envelope) : undefined;
  } catch {
    // A corrupt shared entry is a miss; the fresh value overwrites it.
    return undefined;
  }
}

function validator<S extends z.ZodType>(schema: S): Validator<z.output<S>> {
  return (value) => {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
}

function validServedBars(value: unknown): ServedBars | undefined {
  const v = value as Partial<ServedBars> | undefined;
  if (!v || typeof v.provider !== 'string' || !Array.isArray(v.bars) || typeof v.droppedRows !== 'number') {
    return undefined;
  }
  const bars: Bar[] = [];
  for (const bar of v.bars) {
    const result = BarSchema.safeParse(bar);
    if (!result.success) return undefined;
    bars.push(result.data);
  }
  return { provider: v.provider, bars, droppedRows: v.droppedRows };
}

function validServedNews(value: unknown): ServedNews | undefined {
  const v = value as Partial<ServedNews> | undefined;
  if (!v || typeof v.provider !== 'string' || !Array.isArray(v.items)) return undefined;
  const items: NewsItem[] = [];
  for (const item of v.items) {
    const result = NewsItemSchema.safeParse(item);
    if (!result.success) return undefined;
    items.push(result.data);
  }
  return { provider: v.provider, items };
}

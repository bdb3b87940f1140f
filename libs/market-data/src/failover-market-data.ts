import type { Bar, Clock, ErrorReply, NewsItem, Quote } from '@ats/contracts';
import { AllProvidersFailedError, ProviderError, RateLimitedError, UnsupportedRequestError } from './errors';
import type { BarsQuery, MarketDataProvider, NewsQuery } from './provider';
import type { ProviderCallRecorder } from './provider-calls';

/** Bars as served, naming the provider that served them (after failover). */
export interface ServedBars {
  readonly provider: string;
  readonly bars: Bar[];
  readonly droppedRows: number;
}

export interface ServedNews {
  readonly provider: string;
  readonly items: NewsItem[];
}

/** What the cache tiers and the gateway need from a market-data source. */
export interface MarketDataSource {
  getBars(query: BarsQuery): Promise<ServedBars>;
  getQuote(symbol: string): Promise<Quote>;
  getNews(query: NewsQuery): Promise<ServedNews>;
}

/** A provider that said "rate limited" without saying for how long is left alone this long. */
export const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 60_000;

export interface FailoverOptions {
  /** Providers in order of preference. */
  readonly providers: readonly MarketDataProvider[];
  readonly clock: Clock;
  readonly recorder?: ProviderCallRecorder;
  readonly rateLimitCooldownMs?: number;
  /** Try the next provider when one answers with no bars (e.g. the local CSV for a date it does not hold). */
  readonly failoverOnEmpty?: boolean;
  /** Called when the recorder fails; the market-data call itself still succeeds. */
  readonly onRecordError?: (error: unknown) => void;
}

/**
 * Tries providers in the configured order and returns the first good answer with the provider's name.
 * A provider that reported rate limiting is skipped until its cool-down ends; every call is recorded.
 */
export class FailoverMarketData implements MarketDataSource {
  readonly #providers: readonly MarketDataProvider[];
  readonly #clock: Clock;
  readonly #recorder: ProviderCallRecorder | undefined;
  readonly #cooldownMs: number;
  readonly #failoverOnEmpty: boolean;
  readonly #onRecordError: (error: unknown) => void;
  readonly #rateLimitedUntil = new Map<string, number>();
  readonly #pendingRecords = new Set<Promise<void>>();

  constructor(options: FailoverOptions) {
    if (options.providers.length === 0)
      throw new RangeError('FailoverMarketData needs at least one provider');
    this.#providers = options.providers;
    this.#clock = options.clock;
    this.#recorder = options.recorder;
    this.#cooldownMs = options.rateLimitCooldownMs ?? DEFAULT_RATE_LIMIT_COOLDOWN_MS;
    this.#failoverOnEmpty = options.failoverOnEmpty ?? true;
    this.#onRecordError =
      options.onRecordError ?? ((error) => console.error('provider call could not be recorded', error));
  }

  get providerNames(): string[] {
    return this.#providers.map((p) => p.name);
  }

  /** Providers currently skipped for rate limiting, with the instant they are tried again. */
  rateLimited(): Record<string, string> {
    const now = this.#clock.now().getTime();
    const out: Record<string, string> = {};
    for (const [name, until] of this.#rateLimitedUntil) {
      if (until > now) out[name] = new Date(until).toISOString();
    }
    return out;
  }

  /** Waits until every started call record is written (shutdown, tests). */
  async flushCallRecords(): Promise<void> {
    await Promise.all([...this.#pendingRecords]);
  }

  async getBars(query: BarsQuery): Promise<ServedBars> {
    let firstEmpty: ServedBars | undefined;
    const failures = await this.#each('bars', query.symbol, async (provider) => {
      const batch = await provider.fetchBars(query);
      const served = { provider: provider.name, bars: batch.bars, droppedRows: batch.droppedRows };
      if (batch.bars.length === 0 && this.#failoverOnEmpty) {
        firstEmpty ??= served;
        return { served: undefined, empty: true };
      }
      return { served, empty: batch.bars.length === 0 };
    });
    if ('served' in failures) return failures.served;
    if (firstEmpty) return firstEmpty;
    throw new AllProvidersFailedError(`${query.timeframe} bars of ${query.symbol}`, failures.errors);
  }

  async getQuote(symbol: string): Promise<Quote> {
    const result = await this.#each('quote', symbol, async (provider) => {
      if (!provider.fetchQuote) throw new UnsupportedRequestError(provider.name, 'serves no quotes');
      return { served: await provider.fetchQuote(symbol), empty: false };
    });
    if ('served' in result) return result.served;
    throw new AllProvidersFailedError(`a quote of ${symbol}`, result.errors);
  }

  async getNews(query: NewsQuery): Promise<ServedNews> {
    const what = query.symbols.join(',');
    const result = await this.#each('news', what, async (provider) => {
      if (!provider.fetchNews) throw new UnsupportedRequestError(provider.name, 'serves no news');
      const items = await provider.fetchNews(query);
      return { served: { provider: provider.name, items }, empty: items.length === 0 };
    });
    if ('served' in result) return result.served;
    throw new AllProvidersFailedError(`news of ${what}`, result.errors);
  }

  async #each<T>(
    endpoint: string,
    symbol: string,
    call: (provider: MarketDataProvider) => Promise<{ served: T | undefined; empty: boolean }>,
  ): Promise<{ served: T } | { errors: ProviderError[] }> {
    const errors: ProviderError[] = [];
    for (const provider of this.#providers) {
      const now = this.#clock.now().getTime();
      const until = this.#rateLimitedUntil.get(provider.name);
      if (until !== undefined && until > now) {
        errors.push(
          new RateLimitedError(
            provider.name,
            `skipped: rate limited until ${new Date(until).toISOString()}`,
            until - now,
          ),
        );
        continue;
      }
      const started = performance.now();
      const calledAt = this.#clock.now();
      const capable =
        endpoint === 'bars' || (endpoint === 'quote' ? !!provider.fetchQuote : !!provider.fetchNews);
      try {
        const outcome = await call(provider);
        this.#record({
          provider: provider.name,
          endpoint,
          symbol,
          status: outcome.empty ? 'empty' : 'ok',
          started,
          calledAt,
        });
        if (outcome.served !== undefined) return { served: outcome.served };
      } catch (error) {
        const failure =
          error instanceof ProviderError
            ? error
            : new ProviderError(provider.name, 'malformed_response', (error as Error).message, {
                cause: error,
              });
        errors.push(failure);
        // Asking a provider for something it never serves is not a call worth recording.
        if (capable) {
          this.#record({
            provider: provider.name,
            endpoint,
            symbol,
            status: 'error',
            started,
            calledAt,
            failure,
          });
        }
        if (failure instanceof RateLimitedError) {
          this.#rateLimitedUntil.set(provider.name, now + (failure.retryAfterMs ?? this.#cooldownMs));
        }
      }
    }
    return { errors };
  }

  #record(call: {
    provider: string;
    endpoint: string;
    symbol: string;
    status: 'ok' | 'empty' | 'error';
    started: number;
    calledAt: Date;
    failure?: ProviderError;
  }): void {
    if (!this.#recorder) return;
    try {
      const pending = this.#recorder.record({
        provider: call.provider,
        endpoint: call.endpoint,
        symbol: call.symbol,
        status: call.status,
        ...(call.failure ? { errorKind: call.failure.kind } : {}),
        latencyMs: Math.round(performance.now() - call.started),
        calledAt: call.calledAt,
      });
      if (pending) {
        const settled = pending.catch(this.#onRecordError);
        this.#pendingRecords.add(settled);
        settled.finally(() => this.#pendingRecords.delete(settled));
      }
    } catch (error) {
      this.#onRecordError(error);
    }
  }
}

/** The reply code a gateway should answer with when every provider failed. */
export function errorReplyCodeFor(error: unknown): ErrorReply['code'] {
  const failures = error instanceof AllProvidersFailedError ? error.failures : [];
  if (failures.length > 0 && failures.every((f) => f.kind === 'unknown_symbol' || f.kind === 'unsupported')) {
    return failures.some((f) => f.kind === 'unknown_symbol') ? 'not_found' : 'invalid_request';
  }
  if (failures.length > 0 && failures.every((f) => f.kind === 'rate_limited')) return 'rate_limited';
  return error instanceof AllProvidersFailedError ? 'unavailable' : 'internal';
}

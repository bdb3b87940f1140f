/** Why a provider call failed; decides whether it is retried and whether failover moves on. */
export type ProviderErrorKind =
  | 'rate_limited'
  | 'auth'
  | 'unknown_symbol'
  | 'malformed_response'
  | 'upstream_down'
  | 'unsupported';

/** Base of every provider failure: names the provider and the kind so callers can branch without parsing text. */
export class ProviderError extends Error {
  override readonly name: string = 'ProviderError';
  constructor(
    readonly provider: string,
    readonly kind: ProviderErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
  }

  /** Timeouts, 5xx and transport failures may succeed on a second try; bad keys and unknown tickers never do. */
  get retryable(): boolean {
    return this.kind === 'upstream_down';
  }
}

/** The provider refused for quota reasons (HTTP 429, or Alpha Vantage's 200 with a `Note`/`Information` body). */
export class RateLimitedError extends ProviderError {
  override readonly name = 'RateLimitedError';
  constructor(
    provider: string,
    message: string,
    /** How long the provider asked us to wait (Retry-After), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(provider, 'rate_limited', message);
  }
}

export class AuthError extends ProviderError {
  override readonly name = 'AuthError';
  constructor(provider: string, message: string) {
    super(provider, 'auth', message);
  }
}

export class UnknownSymbolError extends ProviderError {
  override readonly name = 'UnknownSymbolError';
  constructor(
    provider: string,
    readonly symbol: string,
    message: string,
  ) {
    super(provider, 'unknown_symbol', message);
  }
}

/** The body could not be understood: HTML error page, truncated JSON, missing fields. */
export class MalformedResponseError extends ProviderError {
  override readonly name = 'MalformedResponseError';
  constructor(provider: string, message: string, options?: { cause?: unknown }) {
    super(provider, 'malformed_response', message, options);
  }
}

/** Timeout, connection failure or 5xx: the provider is not answering properly right now. */
export class UpstreamDownError extends ProviderError {
  override readonly name = 'UpstreamDownError';
  constructor(
    provider: string,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(provider, 'upstream_down', message, options);
  }
}

/** The provider cannot serve this kind of request (e.g. intraday bars from a daily CSV). */
export class UnsupportedRequestError extends ProviderError {
  override readonly name = 'UnsupportedRequestError';
  constructor(provider: string, message: string) {
    super(provider, 'unsupported', message);
  }
}

/** Every provider in the failover chain failed; `failures` keeps each provider's own error in order. */
export class AllProvidersFailedError extends Error {
  override readonly name = 'AllProvidersFailedError';
  constructor(
    readonly what: string,
    readonly failures: readonly ProviderError[],
  ) {
    super(
      `no provider could serve ${what}: ${failures.map((f) => `${f.provider} (${f.kind}): ${f.message}`).join('; ') || 'no providers configured'}`,
    );
  }
}

/** What a MissingMarketDataError knows: which symbols, where they were looked for, and why no download helped. */
export interface MissingMarketDataContext {
  readonly symbols: readonly string[];
  /** The data folder searched (DATA__DIR); undefined when none is configured. */
  readonly dataDir: string | undefined;
  /** The download cache searched (DATA__CACHE_DIR). */
  readonly cacheDir: string;
  /** Why the download failed; undefined when downloading is off (DATA__DOWNLOAD=off). */
  readonly downloadFailure: string | undefined;
  /** Set when the cache holds the symbol but not these dates, which could not be downloaded. */
  readonly missingRange?: { readonly from: string; readonly to: string };
  readonly cause?: unknown;
}

/**
 * No local store holds daily bars of these symbols and they could not be downloaded. The message names both ways
 * out (a data folder, or the download) in one sentence; command-line tools print it and exit 2.
 */
export class MissingMarketDataError extends Error {
  override readonly name = 'MissingMarketDataError';
  readonly symbols: readonly string[];
  readonly dataDir: string | undefined;
  readonly cacheDir: string;
  readonly downloadFailure: string | undefined;
  readonly missingRange: { readonly from: string; readonly to: string } | undefined;

  constructor(context: MissingMarketDataContext) {
    const what = context.missingRange
      ? `${context.symbols.join(', ')} from ${context.missingRange.from} to ${context.missingRange.to}`
      : context.symbols.join(', ');
    const why =
      context.downloadFailure === undefined
        ? 'downloading is off (DATA__DOWNLOAD=off)'
        : `the download failed (${context.downloadFailure})`;
    super(
      `No daily bars for ${what}: not in the data folder (${context.dataDir ?? 'none configured'}) ` +
        `nor in the download cache (${context.cacheDir}), and ${why}. Either set DATA__DIR to a folder with ` +
        'ohlcv/<SYMBOL>.csv files, or allow the download (DATA__DOWNLOAD=auto with network access to Yahoo Finance).',
      context.cause === undefined ? undefined : { cause: context.cause },
    );
    this.symbols = context.symbols;
    this.dataDir = context.dataDir;
    this.cacheDir = context.cacheDir;
    this.downloadFailure = context.downloadFailure;
    this.missingRange = context.missingRange;
  }
}

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

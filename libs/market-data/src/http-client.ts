import {
  AuthError,
  MalformedResponseError,
  ProviderError,
  RateLimitedError,
  UpstreamDownError,
} from './errors';
import { type ProviderQuota, quotaWindows, RateLimiter, type RequestWindow } from './rate-limiter';

/** Bounded retries of timeouts and 5xx with jittered exponential backoff. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  /** Longest wait between attempts; a Retry-After beyond it ends the retries instead of stalling the caller. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 5_000 };
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Settings every HTTP provider shares; base URLs are configurable so tests can aim at loopback fakes. */
export interface HttpProviderSettings {
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly quota?: ProviderQuota;
  /** Explicit windows (tests use sub-second ones); added to those derived from `quota`. */
  readonly windows?: readonly RequestWindow[];
  /** Longest a request may queue for the rate limiter before it is refused as rate-limited. */
  readonly maxQueueWaitMs?: number;
  readonly fetch?: typeof fetch;
  /** User-Agent header sent with every request; the runtime's default when unset. */
  readonly userAgent?: string;
  /** [0, 1) source for backoff jitter. */
  readonly random?: () => number;
}

/** A complete HTTP answer, before the provider interprets its body. */
export interface HttpReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/** Retry-After as milliseconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/**
 * GETs provider URLs under the provider's rate limit, with a timeout per attempt, status classification and
 * bounded retries. `interpret` turns a reply into a value or throws a ProviderError; only retryable errors
 * (timeouts, 5xx, transport failures) are tried again.
 */
export class ProviderHttpClient {
  readonly limiter: RateLimiter;
  readonly #provider: string;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #fetch: typeof fetch;
  readonly #random: () => number;
  readonly #headers: Record<string, string>;
  /** Attempts sent over the wire (each takes a rate-limit slot). */
  attempts = 0;

  constructor(provider: string, settings: HttpProviderSettings = {}) {
    this.#provider = provider;
    this.#timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...settings.retry };
    this.#fetch = settings.fetch ?? fetch;
    this.#random = settings.random ?? Math.random;
    this.#headers = {
      accept: 'application/json',
      ...(settings.userAgent ? { 'user-agent': settings.userAgent } : {}),
    };
    this.limiter = new RateLimiter({
      provider,
      windows: [...quotaWindows(settings.quota ?? {}), ...(settings.windows ?? [])],
      ...(settings.maxQueueWaitMs === undefined ? {} : { maxWaitMs: settings.maxQueueWaitMs }),
    });
  }

  async get<T>(url: URL, interpret: (reply: HttpReply) => T): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const reply = await this.#send(url);
        classifyStatus(this.#provider, reply);
        return interpret(reply);
      } catch (error) {
        const failure = error instanceof ProviderError ? error : this.#unexpected(error);
        if (!failure.retryable || attempt >= this.#retry.maxAttempts) throw failure;
        const delay = this.#backoffMs(attempt, failure);
        if (delay === undefined) throw failure;
        await sleep(delay);
      }
    }
  }

  async #send(url: URL): Promise<HttpReply> {
    const release = await this.limiter.acquire();
    this.attempts += 1;
    try {
      const response = await this.#fetch(url, {
        signal: AbortSignal.timeout(this.#timeoutMs),
        headers: this.#headers,
      });
      // The timeout signal also bounds reading the body (a server that stalls mid-body).
      const body = await response.text();
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw new UpstreamDownError(
          this.#provider,
          `no answer within ${this.#timeoutMs} ms`,
          undefined,
          undefined,
          {
            cause: error,
          },
        );
      }
      throw new UpstreamDownError(
        this.#provider,
        `request failed: ${(error as Error).message}${transportCause(error)}`,
        undefined,
        undefined,
        {
          cause: error,
        },
      );
    } finally {
      release();
    }
  }

  /** Exponential backoff with "equal jitter" (half fixed, half random); Retry-After wins when the server sent one. */
  #backoffMs(attempt: number, failure: ProviderError): number | undefined {
    const retryAfter = failure instanceof UpstreamDownError ? failure.retryAfterMs : undefined;
    if (retryAfter !== undefined) return retryAfter <= this.#retry.maxDelayMs ? retryAfter : undefined;
    const exponential = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return exponential / 2 + (exponential / 2) * this.#random();
  }

  #unexpected(error: unknown): ProviderError {
    return new MalformedResponseError(
      this.#provider,
      `could not interpret the reply: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Status codes that mean the same for every provider; anything else goes to the provider's own reading. */
function classifyStatus(provider: string, reply: HttpReply): void {
  const retryAfterMs = parseRetryAfter(reply.headers.get('retry-after'));
  if (reply.status === 429) {
    throw new RateLimitedError(provider, `HTTP 429 ${snippet(reply.body)}`, retryAfterMs);
  }
  if (reply.status >= 500) {
    throw new UpstreamDownError(
      provider,
      `HTTP ${reply.status} ${snippet(reply.body)}`,
      reply.status,
      retryAfterMs,
    );
  }
  if (reply.status === 401 || reply.status === 403) {
    throw new AuthError(provider, `HTTP ${reply.status} ${snippet(reply.body)}`);
  }
}

/** Parses a JSON body; HTML error pages and truncated JSON become MalformedResponseError. */
export function parseJsonBody(provider: string, reply: HttpReply): unknown {
  const contentType = reply.headers.get('content-type') ?? '';
  if (contentType.includes('text/html') || /^\s*</.test(reply.body)) {
    throw new MalformedResponseError(
      provider,
      `HTTP ${reply.status} sent an HTML page, not JSON: ${snippet(reply.body)}`,
    );
  }
  try {
    return JSON.parse(reply.body);
  } catch (error) {
    throw new MalformedResponseError(
      provider,
      `HTTP ${reply.status} body is not valid JSON: ${snippet(reply.body)}`,
      {
        cause: error,
      },
    );
  }
}

export function snippet(body: string, max = 120): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** fetch() says only "fetch failed"; the cause names what happened (ECONNREFUSED, ENOTFOUND, …). */
function transportCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail = typeof cause?.code === 'string' ? cause.code : cause?.message;
  return typeof detail === 'string' && detail !== '' ? ` (${detail})` : '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

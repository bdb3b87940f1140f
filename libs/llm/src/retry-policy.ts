import { LlmConnectionError, LlmHttpError, LlmTimeoutError } from './errors';

/** Exponential backoff with jitter, bounded; the server's Retry-After wins when it sent one. */
export interface RetryPolicy {
  /** Retries after the first attempt (LLM__RETRY_ATTEMPTS); total attempts = retryAttempts + 1. */
  readonly retryAttempts: number;
  /** Backoff before retry n (0-based) is drawn from [base·2ⁿ/2, base·2ⁿ], capped at maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails instead (nothing waits forever). */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retryAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** 429 and 5xx answers, timeouts and connection failures are transient; anything else fails at once. */
export function isTransient(error: unknown): boolean {
  if (error instanceof LlmHttpError) return error.retryable;
  return error instanceof LlmTimeoutError || error instanceof LlmConnectionError;
}

/**
 * How long to wait before retry `retryIndex` (0 = first retry), or undefined when the server asks for longer
 * than the policy accepts. "Equal jitter": half the exponential delay fixed, half random, so concurrent clients
 * hit by the same 429 spread out without ever retrying immediately.
 */
export function retryDelayMs(
  error: unknown,
  retryIndex: number,
  policy: RetryPolicy,
  random: () => number,
): number | undefined {
  if (error instanceof LlmHttpError && error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= policy.maxRetryAfterMs ? error.retryAfterMs : undefined;
  }
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return exponential / 2 + random() * (exponential / 2);
}

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * The delay a response asks for: `retry-after-ms` (milliseconds, sent by OpenAI and Anthropic), else `Retry-After`
 * as delta-seconds or an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: HeaderSource | undefined, nowMs: number): number | undefined {
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

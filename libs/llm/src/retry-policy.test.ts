import { describe, expect, it } from 'vitest';
import { LlmConnectionError, LlmHttpError, LlmTimeoutError } from './errors';
import { DEFAULT_RETRY_POLICY, isTransient, retryAfterMs, retryDelayMs } from './retry-policy';

const headers = (values: Record<string, string>) => new Headers(values);
const http = (status: number, retryAfter?: number) =>
  new LlmHttpError('openai', 'gpt-4o-mini', status, undefined, 'x', retryAfter, undefined);

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('reads delta-seconds, an HTTP date, and retry-after-ms (which wins)', () => {
    expect(retryAfterMs(headers({ 'retry-after': '1' }), now)).toBe(1_000);
    expect(retryAfterMs(headers({ 'retry-after': '2.5' }), now)).toBe(2_500);
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 25 Nov 2026 12:00:07 GMT' }), now)).toBe(7_000);
    expect(retryAfterMs(headers({ 'retry-after': 'Wed, 25 Nov 2026 11:59:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(headers({ 'retry-after': '1', 'retry-after-ms': '250' }), now)).toBe(250);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(headers({}), now)).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('retry decisions', () => {
  it('retries 408/409/429/5xx, timeouts and connection failures, nothing else', () => {
    for (const status of [408, 409, 429, 500, 502, 503, 529]) expect(isTransient(http(status))).toBe(true);
    for (const status of [400, 401, 403, 404, 422]) expect(isTransient(http(status))).toBe(false);
    expect(isTransient(new LlmTimeoutError('openai', 'm', 100))).toBe(true);
    expect(isTransient(new LlmConnectionError('openai', 'm', 'ECONNREFUSED'))).toBe(true);
    expect(isTransient(new Error('bug'))).toBe(false);
  });

  it('backs off exponentially within [d/2, d], capped, and takes Retry-After as given', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(retryDelayMs(http(500), 0, policy, () => 0)).toBe(50);
    expect(retryDelayMs(http(500), 0, policy, () => 0.999999)).toBeCloseTo(100, 3);
    expect(retryDelayMs(http(500), 2, policy, () => 0)).toBe(200);
    expect(retryDelayMs(http(500), 10, policy, () => 1)).toBe(1_000);
    expect(retryDelayMs(http(429, 1_000), 3, policy, () => 0)).toBe(1_000);
  });

  it('refuses to wait longer than maxRetryAfterMs', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, maxRetryAfterMs: 5_000 };
    expect(retryDelayMs(http(429, 120_000), 0, policy, () => 0)).toBeUndefined();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { type PublishRateLimiter, publishRateLimiter } from './rate-limiter';

/** Takes `count` tokens back to back, lets `spanMs` of fake time pass, and says when each was granted. */
async function grantTimes(limiter: PublishRateLimiter, count: number, spanMs: number): Promise<number[]> {
  const start = performance.now();
  const granted: number[] = [];
  const takers = Array.from({ length: count }, () =>
    limiter.removeTokens(1).then(() => granted.push(performance.now() - start)),
  );
  await vi.advanceTimersByTimeAsync(spanMs);
  await Promise.all(takers);
  return granted;
}

describe('publishRateLimiter', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets a burst through, then spaces messages at the steady rate', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const limiter = publishRateLimiter({ messagesPerSecond: 10, burst: 3 });
    // 4th and 5th wait one and two refill periods (100 ms each at 10 msg/s).
    expect(await grantTimes(limiter, 5, 1_000)).toEqual([0, 0, 0, 100, 200]);
  });

  it('refills with time but never above the burst size', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const limiter = publishRateLimiter({ messagesPerSecond: 10, burst: 2 });
    await grantTimes(limiter, 2, 1_000);
    await vi.advanceTimersByTimeAsync(10_000); // long quiet spell
    expect(await grantTimes(limiter, 3, 1_000)).toEqual([0, 0, 100]);
  });

  it('rejects nonsense limits', () => {
    expect(() => publishRateLimiter({ messagesPerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => publishRateLimiter({ messagesPerSecond: 5, burst: 0 })).toThrow(RangeError);
  });

  it('holds real throughput near the configured rate', async () => {
    const limiter = publishRateLimiter({ messagesPerSecond: 200, burst: 5 });
    const start = performance.now();
    for (let i = 0; i < 25; i++) await limiter.removeTokens(1);
    // 5 free, 20 more at 5 ms each: at least ~100 ms.
    expect(performance.now() - start).toBeGreaterThanOrEqual(90);
  });
});

import { describe, expect, it } from 'vitest';
import { TokenBucket } from './rate-limiter';

function fakeTimer() {
  const timer = {
    t: 0,
    slept: [] as number[],
    now: () => timer.t,
    sleep: async (ms: number) => {
      timer.slept.push(ms);
    },
  };
  return timer;
}

describe('TokenBucket', () => {
  it('lets a burst through, then spaces messages at the steady rate', () => {
    const timer = fakeTimer();
    const bucket = new TokenBucket({ messagesPerSecond: 10, burst: 3 }, timer);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    // 4th and 5th wait one and two refill periods (100 ms each at 10 msg/s).
    expect(bucket.reserve()).toBeCloseTo(100);
    expect(bucket.reserve()).toBeCloseTo(200);
  });

  it('refills with time but never above the burst size', () => {
    const timer = fakeTimer();
    const bucket = new TokenBucket({ messagesPerSecond: 10, burst: 2 }, timer);
    bucket.reserve();
    bucket.reserve();
    timer.t = 10_000; // long quiet spell
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeCloseTo(100);
  });

  it('acquire sleeps for the reserved wait', async () => {
    const timer = fakeTimer();
    const bucket = new TokenBucket({ messagesPerSecond: 4, burst: 1 }, timer);
    await bucket.acquire();
    await bucket.acquire();
    expect(timer.slept).toEqual([250]);
  });

  it('rejects nonsense limits', () => {
    expect(() => new TokenBucket({ messagesPerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new TokenBucket({ messagesPerSecond: 5, burst: 0 })).toThrow(RangeError);
  });

  it('holds real throughput near the configured rate', async () => {
    const bucket = new TokenBucket({ messagesPerSecond: 200, burst: 5 });
    const start = performance.now();
    for (let i = 0; i < 25; i++) await bucket.acquire();
    // 5 free, 20 more at 5 ms each: at least ~100 ms.
    expect(performance.now() - start).toBeGreaterThanOrEqual(90);
  });
});

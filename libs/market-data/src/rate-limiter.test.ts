import { describe, expect, it } from 'vitest';
import { RateLimitedError } from './errors';
import { quotaWindows, RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('derives minute and day windows from a quota', () => {
    expect(quotaWindows({ requestsPerMinute: 5, requestsPerDay: 25 })).toEqual([
      { limit: 5, windowMs: 60_000 },
      { limit: 25, windowMs: 86_400_000 },
    ]);
  });

  it('refuses callers that would wait past maxWaitMs instead of stalling them', async () => {
    let now = 0;
    const limiter = new RateLimiter({
      provider: 'p',
      windows: [{ limit: 2, windowMs: 60_000 }],
      maxWaitMs: 1_000,
      now: () => now,
    });
    (await limiter.acquire())();
    (await limiter.acquire())();
    expect(limiter.waitMs()).toBe(60_000);
    await expect(limiter.acquire()).rejects.toBeInstanceOf(RateLimitedError);
    now = 60_000;
    await expect(limiter.acquire()).resolves.toBeTypeOf('function');
  });

  it('holds the budget over any rolling window, not per fixed bucket', async () => {
    let now = 0;
    const limiter = new RateLimiter({
      provider: 'p',
      windows: [{ limit: 3, windowMs: 1_000 }],
      now: () => now,
    });
    (await limiter.acquire())();
    now = 900;
    (await limiter.acquire())();
    (await limiter.acquire())();
    // At t=1000 the first slot has left the window, the other two have not.
    now = 1_000;
    expect(limiter.waitMs()).toBe(0);
    (await limiter.acquire())();
    expect(limiter.waitMs()).toBe(900);
  });

  it('counts a slow request from its completion, and blocks while every slot is in flight', async () => {
    let now = 0;
    const limiter = new RateLimiter({
      provider: 'p',
      windows: [{ limit: 1, windowMs: 100 }],
      now: () => now,
    });
    const release = await limiter.acquire();
    now = 5_000;
    expect(limiter.waitMs()).toBe(Number.POSITIVE_INFINITY);
    let granted = false;
    const next = limiter.acquire().then((r) => {
      granted = true;
      return r;
    });
    await Promise.resolve();
    expect(granted).toBe(false);
    release(); // completed at t=5000: the next slot opens at t=5100
    expect(limiter.waitMs()).toBe(100);
    now = 5_100;
    expect(await next).toBeTypeOf('function');
  });
});

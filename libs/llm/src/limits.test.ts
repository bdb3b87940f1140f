import { ManualClock } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { Semaphore, type Sleep, TokenBucket } from './limits';

describe('Semaphore', () => {
  it('holds the limit and hands slots over in arrival order', async () => {
    const semaphore = new Semaphore(2);
    const order: string[] = [];
    const releaseA = await semaphore.acquire();
    const releaseB = await semaphore.acquire();
    const c = semaphore.acquire().then((release) => {
      order.push('c');
      return release;
    });
    const d = semaphore.acquire().then((release) => {
      order.push('d');
      return release;
    });
    await Promise.resolve();
    expect(order).toEqual([]);
    releaseA();
    releaseA(); // a second release of the same slot is ignored
    (await c)();
    releaseB();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    // All slots free again: two immediate acquisitions.
    await semaphore.acquire();
    await semaphore.acquire();
  });

  it('drops an aborted waiter', async () => {
    const semaphore = new Semaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    release();
    await semaphore.acquire();
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then one request per 60/rpm seconds', async () => {
    const clock = new ManualClock('2026-11-25T12:00:00Z');
    const waits: number[] = [];
    // Sleeping moves the manual clock: the bucket refills exactly as in real time.
    const sleep: Sleep = async (ms) => {
      waits.push(ms);
      clock.set(new Date(clock.now().getTime() + ms));
    };
    const bucket = new TokenBucket(30, 2, clock, sleep);
    const start = clock.now().getTime();
    for (let i = 0; i < 5; i += 1) await bucket.take();
    // 2 from the burst, then 3 more at 2 s each (30 per minute).
    expect(clock.now().getTime() - start).toBe(6_000);
    expect(waits).toEqual([2_000, 2_000, 2_000]);
  });

  it('refills with elapsed time, never above the burst', async () => {
    const clock = new ManualClock('2026-11-25T12:00:00Z');
    const waits: number[] = [];
    const sleep: Sleep = async (ms) => {
      waits.push(ms);
      clock.set(new Date(clock.now().getTime() + ms));
    };
    const bucket = new TokenBucket(60, 3, clock, sleep);
    for (let i = 0; i < 3; i += 1) await bucket.take();
    clock.set(new Date(clock.now().getTime() + 3_600_000));
    for (let i = 0; i < 3; i += 1) await bucket.take();
    expect(waits).toEqual([]);
    await bucket.take();
    expect(waits).toEqual([1_000]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { inSlot, type RequestBudget, requestBudget, requestSlots, takeToken } from './limits';

/** A task that runs until `finish` is called. */
function heldTask(name: string, started: string[]) {
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    run: async () => {
      started.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

describe('requestSlots', () => {
  it('holds the limit and hands slots over in arrival order', async () => {
    const slots = requestSlots(2);
    const started: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => heldTask(name, started));
    const results = [a, b, c, d].map((task) => inSlot(slots, task!.run));
    await vi.waitFor(() => expect(started).toEqual(['a', 'b']));
    a!.finish();
    await vi.waitFor(() => expect(started).toEqual(['a', 'b', 'c']));
    b!.finish();
    await vi.waitFor(() => expect(started).toEqual(['a', 'b', 'c', 'd']));
    c!.finish();
    d!.finish();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(slots.activeCount).toBe(0);
  });

  it('drops an aborted waiter: it rejects at once and its task never runs', async () => {
    const slots = requestSlots(1);
    const started: string[] = [];
    const holder = heldTask('holder', started);
    const held = inSlot(slots, holder.run);
    const controller = new AbortController();
    const waiting = inSlot(slots, heldTask('gave-up', started).run, controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    holder.finish();
    await held;
    expect(await inSlot(slots, async () => 'next')).toBe('next');
    expect(started).toEqual(['holder']);
  });

  it('rejects a nonsense limit', () => {
    expect(() => requestSlots(0)).toThrow(RangeError);
    expect(() => requestSlots(1.5)).toThrow(RangeError);
  });
});

describe('requestBudget', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Takes `count` tokens back to back, lets `spanMs` of fake time pass, and says when each was granted. */
  async function grantTimes(budget: RequestBudget, count: number, spanMs: number): Promise<number[]> {
    const start = performance.now();
    const granted: number[] = [];
    const takers = Array.from({ length: count }, () =>
      takeToken(budget).then(() => granted.push(performance.now() - start)),
    );
    await vi.advanceTimersByTimeAsync(spanMs);
    await Promise.all(takers);
    return granted;
  }

  it('allows a burst, then one request per 60/rpm seconds', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    // 2 from the burst, then 3 more at 2 s each (30 per minute).
    expect(await grantTimes(requestBudget(30, 2), 5, 10_000)).toEqual([0, 0, 2_000, 4_000, 6_000]);
  });

  it('refills with elapsed time, never above the burst', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const budget = requestBudget(60, 3);
    await grantTimes(budget, 3, 1_000);
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(await grantTimes(budget, 4, 10_000)).toEqual([0, 0, 0, 1_000]);
  });

  it('lets an aborted taker go at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const budget = requestBudget(1, 1);
    await takeToken(budget);
    const controller = new AbortController();
    const waiting = takeToken(budget, controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    await vi.advanceTimersByTimeAsync(120_000); // the abandoned turn completes without anyone listening
  });

  it('rejects nonsense limits', () => {
    expect(() => requestBudget(0, 1)).toThrow(RangeError);
    expect(() => requestBudget(60, 0)).toThrow(RangeError);
  });
});

import type { Clock } from '@ats/contracts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** At most `limit` requests in flight; waiters are served first come, first served. */
export class Semaphore {
  private inFlight = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency limit must be ≥ 1, got ${limit}`);
  }

  /** Resolves with the release function once a slot is free. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.inFlight < this.limit) {
      this.inFlight += 1;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
    // The slot was handed over by release(): inFlight already counts it.
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.inFlight -= 1;
    };
  }
}

/**
 * Token bucket: `requestsPerMinute` tokens refill continuously up to `burst`; a request takes one token or waits
 * for it. Takers are served in arrival order.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly requestsPerMinute: number,
    readonly burst: number,
    private readonly clock: Clock,
    private readonly sleep: Sleep,
  ) {
    if (!(requestsPerMinute > 0))
      throw new RangeError(`requestsPerMinute must be > 0, got ${requestsPerMinute}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be ≥ 1, got ${burst}`);
    this.tokens = burst;
    this.lastRefillMs = clock.now().getTime();
  }

  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.takeInTurn(signal));
    // A taker that gave up (aborted) must not block the ones behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeInTurn(signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      const msPerToken = 60_000 / this.requestsPerMinute;
      await this.sleep(Math.ceil((1 - this.tokens) * msPerToken), signal);
    }
  }

  private refill(): void {
    const now = this.clock.now().getTime();
    const elapsed = Math.max(0, now - this.lastRefillMs);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.requestsPerMinute) / 60_000);
    this.lastRefillMs = now;
  }
}

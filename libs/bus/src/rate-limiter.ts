/** Publisher-side throughput cap: a steady rate plus a burst allowance. */
export interface RateLimit {
  readonly messagesPerSecond: number;
  /** Tokens the bucket holds when full: how many messages may go out back to back after a quiet spell. */
  readonly burst: number;
}

export interface RateLimiterTimer {
  /** Monotonic milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTimer: RateLimiterTimer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Token bucket: refills at `messagesPerSecond`, holds at most `burst` tokens, one token per message. Callers
 * wait in arrival order (each reservation pushes the next caller's start later), so nobody starves.
 */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #capacity: number;
  #tokens: number;
  #lastRefill: number;

  constructor(
    limit: RateLimit,
    private readonly timer: RateLimiterTimer = realTimer,
  ) {
    if (!(limit.messagesPerSecond > 0) || !Number.isFinite(limit.messagesPerSecond)) {
      throw new RangeError(`messagesPerSecond must be a positive number, got ${limit.messagesPerSecond}`);
    }
    if (!(limit.burst >= 1) || !Number.isFinite(limit.burst)) {
      throw new RangeError(`burst must be at least 1, got ${limit.burst}`);
    }
    this.#ratePerMs = limit.messagesPerSecond / 1000;
    this.#capacity = limit.burst;
    this.#tokens = limit.burst;
    this.#lastRefill = timer.now();
  }

  /** Takes a token, waiting as long as the bucket needs to refill one. */
  async acquire(): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs > 0) await this.timer.sleep(waitMs);
  }

  /** Books a token now (tokens may go negative: a queue of waiters) and says how long to wait for it. */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : -this.#tokens / this.#ratePerMs;
  }

  #refill(): void {
    const now = this.timer.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#lastRefill) * this.#ratePerMs);
    this.#lastRefill = now;
  }
}

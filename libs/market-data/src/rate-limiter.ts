import { RateLimitedError } from './errors';

/** At most `limit` requests in any rolling window of `windowMs`. */
export interface RequestWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/** A provider's published quota, as configured. */
export interface ProviderQuota {
  readonly requestsPerMinute?: number;
  readonly requestsPerDay?: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function quotaWindows(quota: ProviderQuota): RequestWindow[] {
  const windows: RequestWindow[] = [];
  if (quota.requestsPerMinute !== undefined)
    windows.push({ limit: quota.requestsPerMinute, windowMs: MINUTE_MS });
  if (quota.requestsPerDay !== undefined) windows.push({ limit: quota.requestsPerDay, windowMs: DAY_MS });
  return windows;
}

export interface RateLimiterOptions {
  readonly provider: string;
  readonly windows: readonly RequestWindow[];
  /** A caller that would have to wait longer than this is refused (RateLimitedError) so failover can move on. */
  readonly maxWaitMs?: number;
  /** Monotonic milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/** Hands a slot back when the request has completed; the slot then counts from that moment. */
export type ReleaseSlot = () => void;

interface Waiter {
  readonly resolve: (release: ReleaseSlot) => void;
  readonly reject: (error: Error) => void;
  readonly enqueuedAt: number;
}

/**
 * Per-provider request budget. Every window keeps the times of its last `limit` requests, so the budget holds
 * over ANY rolling window: a plain token bucket sized to the quota can pass up to twice the quota within one
 * rolling minute, which providers count as abuse. A request's time is when it COMPLETED (it is counted as
 * "now" while in flight): the provider saw it at some moment before that, so network and event-loop delays can
 * never bunch requests up at the provider's end. Callers queue in FIFO order; nothing is dropped unless it
 * would wait longer than `maxWaitMs`.
 */
export class RateLimiter {
  readonly #provider: string;
  readonly #windows: readonly RequestWindow[];
  readonly #sent: number[][];
  readonly #queue: Waiter[] = [];
  readonly #maxWaitMs: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: RateLimiterOptions) {
    for (const window of options.windows) {
      if (!(window.limit >= 1 && window.windowMs > 0)) {
        throw new RangeError(`${options.provider}: a request window needs limit >= 1 and windowMs > 0`);
      }
    }
    this.#provider = options.provider;
    this.#windows = options.windows;
    this.#sent = options.windows.map(() => []);
    this.#maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Resolves when one more request may be sent now; call the returned function when it has completed. */
  acquire(): Promise<ReleaseSlot> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ resolve, reject, enqueuedAt: this.#now() });
      this.#pump();
    });
  }

  /** Requests waiting for a slot. */
  get queued(): number {
    return this.#queue.length;
  }

  /** How long until the next request could be sent (0 when it could go now). */
  waitMs(): number {
    const now = this.#now();
    let readyAt = now;
    this.#windows.forEach((window, i) => {
      // In-flight slots are Infinity: they leave the window only after release.
      const sent = (this.#sent[i] as number[]).filter((t) => t > now - window.windowMs).sort((a, b) => a - b);
      this.#sent[i] = sent;
      if (sent.length >= window.limit) {
        readyAt = Math.max(readyAt, (sent[sent.length - window.limit] as number) + window.windowMs);
      }
    });
    return readyAt - now;
  }

  #releaser(): ReleaseSlot {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = this.#now();
      for (const sent of this.#sent) {
        const i = sent.indexOf(Number.POSITIVE_INFINITY);
        if (i >= 0) sent[i] = now;
      }
      this.#pump();
    };
  }

  #pump(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#queue.length > 0) {
      const wait = this.waitMs();
      const head = this.#queue[0] as Waiter;
      const now = this.#now();
      if (now - head.enqueuedAt + wait > this.#maxWaitMs) {
        this.#queue.shift();
        head.reject(
          new RateLimitedError(
            this.#provider,
            `local request budget exhausted for ${Math.ceil(wait)} ms`,
            wait,
          ),
        );
        continue;
      }
      if (wait === Number.POSITIVE_INFINITY) return; // every slot is in flight: a release pumps again
      if (wait > 0) {
        // +1 ms: the slot frees strictly after the window edge.
        this.#timer = setTimeout(() => this.#pump(), Math.ceil(wait) + 1);
        return;
      }
      for (const sent of this.#sent) sent.push(Number.POSITIVE_INFINITY);
      this.#queue.shift();
      head.resolve(this.#releaser());
    }
  }
}

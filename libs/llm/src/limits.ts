import { TokenBucket } from 'limiter';
import pLimit, { type LimitFunction } from 'p-limit';

/** Slots for requests in flight (`p-limit`): at most `limit` run at once, waiters served first come, first served. */
export type RequestSlots = LimitFunction;

/** Request budget (`limiter`'s token bucket): one token per HTTP request. */
export type RequestBudget = TokenBucket;

export function requestSlots(limit: number): RequestSlots {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency limit must be ≥ 1, got ${limit}`);
  return pLimit(limit);
}

/**
 * `requestsPerMinute` tokens refill continuously up to `burst`; a request takes one token or waits for it, in
 * arrival order. The bucket starts full (the package's starts empty): a fresh client may send its burst at once.
 */
export function requestBudget(requestsPerMinute: number, burst: number): RequestBudget {
  if (!(requestsPerMinute > 0) || !Number.isFinite(requestsPerMinute))
    throw new RangeError(`requestsPerMinute must be > 0, got ${requestsPerMinute}`);
  if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`burst must be ≥ 1, got ${burst}`);
  const bucket = new TokenBucket({
    bucketSize: burst,
    tokensPerInterval: requestsPerMinute,
    interval: 'minute',
  });
  bucket.content = burst;
  return bucket;
}

/**
 * Waits for a token; a caller that aborts stops waiting at once. Its place in the queue still spends a token when
 * it comes up (the package cannot withdraw a queued taker), which only ever keeps the rate lower.
 */
export function takeToken(budget: RequestBudget, signal?: AbortSignal): Promise<void> {
  return untilAborted(
    budget.removeTokens(1).then(() => undefined),
    signal,
  );
}

/** Runs `task` in a free slot; a caller that aborts while waiting leaves at once and its turn is skipped. */
export function inSlot<T>(slots: RequestSlots, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  return untilAborted(
    slots(() => {
      signal?.throwIfAborted();
      return task();
    }),
    signal,
  );
}

/** `work`, or the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

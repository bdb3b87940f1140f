import { TokenBucket } from 'limiter';

/** Publisher-side throughput cap: a steady rate plus a burst allowance. */
export interface RateLimit {
  readonly messagesPerSecond: number;
  /** Tokens the bucket holds when full: how many messages may go out back to back after a quiet spell. */
  readonly burst: number;
}

/** The bucket a rate-limited bus takes one token from per published message (`removeTokens(1)`). */
export type PublishRateLimiter = TokenBucket;

/**
 * Token bucket from the `limiter` package: refills at `messagesPerSecond`, holds at most `burst` tokens, one token
 * per message; waiters are served in arrival order, so nobody starves.
 */
export function publishRateLimiter(limit: RateLimit): PublishRateLimiter {
  if (!(limit.messagesPerSecond > 0) || !Number.isFinite(limit.messagesPerSecond)) {
    throw new RangeError(`messagesPerSecond must be a positive number, got ${limit.messagesPerSecond}`);
  }
  if (!(limit.burst >= 1) || !Number.isFinite(limit.burst)) {
    throw new RangeError(`burst must be at least 1, got ${limit.burst}`);
  }
  const bucket = new TokenBucket({
    bucketSize: limit.burst,
    tokensPerInterval: limit.messagesPerSecond,
    interval: 'second',
  });
  // The package's bucket starts empty; ours starts full: a fresh publisher may send its burst at once.
  bucket.content = limit.burst;
  return bucket;
}

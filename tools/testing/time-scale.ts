/**
 * Test deadlines that hold on a busy machine. Every wait in the tests is a deadline on a condition (a reply, a
 * health check, a log line), never a fixed sleep that only a quiet machine meets; the deadlines are generous by
 * default, since meeting them early costs nothing, and ATS_TEST_TIME_SCALE stretches all of them (and vitest's
 * test and hook timeouts) on a slower machine: ATS_TEST_TIME_SCALE=3 npm test.
 */
export const TIME_SCALE_VARIABLE = 'ATS_TEST_TIME_SCALE';

export class InvalidTimeScaleError extends Error {
  constructor(readonly value: string) {
    super(`${TIME_SCALE_VARIABLE}=${value} is not a number >= 1`);
  }
}

/** The factor from ATS_TEST_TIME_SCALE (default 1); values below 1 would only make tests flakier and are refused. */
export function testTimeScale(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[TIME_SCALE_VARIABLE]?.trim();
  if (!raw) return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale < 1) throw new InvalidTimeScaleError(raw);
  return scale;
}

/** A deadline of `ms` on a quiet machine, stretched by the run's time scale. */
export function within(ms: number): number {
  return Math.round(ms * testTimeScale());
}

/**
 * Timeout for a test's request that is expected to succeed (bus request/reply, an agent proxy, HTTP to a local
 * service): a first request may load data or wait for a cold process on busy cores, so 30 s, stretched.
 */
export const TEST_REQUEST_TIMEOUT_MS = 30_000;

export function testRequestTimeoutMs(): number {
  return within(TEST_REQUEST_TIMEOUT_MS);
}

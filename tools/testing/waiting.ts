import { within } from './time-scale';

export { freePort } from '../services/ports';

/**
 * The default deadline of `eventually`: a process or server coming up on two busy cores (tsx compiling a service,
 * a JetStream consumer catching up) can take tens of seconds, and waiting longer costs nothing when it is quick.
 */
export const DEFAULT_EVENTUALLY_MS = 60_000;

/**
 * Polls `probe` until it yields a value (errors count as "not yet", except instances of `rethrow`, which end the
 * wait at once: a server process that exited will never answer), for tests waiting on a process or server to
 * come up; fails with `what` after `timeoutMs` (stretched by ATS_TEST_TIME_SCALE) instead of hanging.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  {
    timeoutMs = DEFAULT_EVENTUALLY_MS,
    intervalMs = 100,
    what = 'the condition',
    rethrow,
  }: {
    timeoutMs?: number;
    intervalMs?: number;
    what?: string;
    rethrow?: abstract new (...args: never[]) => Error;
  } = {},
): Promise<T> {
  const budget = within(timeoutMs);
  const deadline = Date.now() + budget;
  for (;;) {
    const value = await probe().catch((error: unknown) => {
      if (rethrow && error instanceof rethrow) throw error;
      return undefined;
    });
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${budget} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

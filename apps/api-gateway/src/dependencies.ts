import type { DependencyHealthSchema } from '@ats/contracts';
import type { z } from 'zod';

export type DependencyHealth = z.infer<typeof DependencyHealthSchema>;
/**
 * Checks one dependency; must resolve (never reject) within its own timeout. A `down` state's error is the raw
 * reason (it may name a host and port): the health routes log it and show the public only that it is down.
 */
export type DependencyProbe = () => Promise<DependencyHealth>;

const PROBE_TIMEOUT_MS = 2_000;

/** Wraps a ping so that slowness and errors become a `down` state with the reason. */
export function probe(ping: () => Promise<unknown>, timeoutMs = PROBE_TIMEOUT_MS): DependencyProbe {
  return async () => {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (error) {
      return { status: 'down', error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  };
}

/** A round trip slower than this is reported as unreachable rather than holding the probe. */
export const BUS_PING_TIMEOUT_MS = 1_000;

export interface BusHealth {
  readonly natsRttMs?: number;
  readonly natsError?: string;
}

/**
 * Round trip to NATS for `/health`. While NATS is away the client keeps reconnecting and a flush would wait for
 * it, so the ping is cut at `timeoutMs` and reported as an error detail instead of hanging the probe.
 */
export async function busHealth(
  bus: { ping(): Promise<number> },
  timeoutMs = BUS_PING_TIMEOUT_MS,
): Promise<BusHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no NATS round trip within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return { natsRttMs: await Promise.race([bus.ping(), timeout]) };
  } catch (error) {
    return { natsError: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

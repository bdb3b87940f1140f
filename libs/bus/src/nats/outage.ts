import { RequestError, TimeoutError } from '@nats-io/transport-node';

/**
 * How long a durable publish keeps retrying through a NATS outage (server restart, network cut): the 30 s a
 * service must ride through, plus the time JetStream takes to recover its streams after the server is back.
 */
export const OUTAGE_RIDE_THROUGH_MS = 45_000;
/** Waits between retries: short first (a restart is often quick), then capped so a long outage is not hammered. */
const RETRY_WAITS_MS = [100, 250, 500, 1000, 2000] as const;

export const retryWaitMs = (attempt: number): number =>
  RETRY_WAITS_MS[Math.min(attempt, RETRY_WAITS_MS.length) - 1] ?? 2000;

/**
 * Remembers when the connection last had trouble (disconnect, reconnecting, reconnect). While that is recent, a
 * timeout or a "no responders" is the outage, not the request: JetStream answers 503 until it has recovered its
 * streams, and responders resubscribe a moment after the reconnect. The one reading of NATS statuses: the bus's
 * retries and agent-rpc's outage-aware team (BusConnectionWatch) both ask it.
 */
export class ConnectionWeather {
  /** Last disconnect or reconnect (ms on `now`'s clock). */
  #troubleAt = Number.NEGATIVE_INFINITY;
  #down = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** Feeds one connection status (`NatsConnection.status()`'s type). */
  note(status: string): void {
    if (status === 'disconnect' || status === 'reconnecting' || status === 'staleConnection') {
      this.#down = true;
      this.#troubleAt = this.now();
    } else if (status === 'reconnect') {
      this.#down = false;
      this.#troubleAt = this.now();
    }
  }

  /** Disconnected now. */
  get down(): boolean {
    return this.#down;
  }

  /** Down now, or down at some moment after `since` (a disconnect or reconnect since then). */
  troubledSince(since: number): boolean {
    return this.#down || this.#troubleAt >= since;
  }

  /** Disconnected now, or reconnected less than OUTAGE_RIDE_THROUGH_MS ago. */
  get stormy(): boolean {
    return this.#down || this.now() - this.#troubleAt < OUTAGE_RIDE_THROUGH_MS;
  }
}

/** Errors an outage causes (a request that timed out, no responders, JetStream not answering, disconnected). */
export function isOutageError(error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  if (error instanceof RequestError) return error.cause instanceof TimeoutError || error.isNoResponders();
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'JetStreamNotEnabled' ||
    error.name === 'TimeoutError' ||
    /disconnect|connection (closed|lost)|no responders/i.test(error.message)
  );
}

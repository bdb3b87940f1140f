import { BusNoRespondersError } from '@ats/bus';

/**
 * A request is sent again (to whichever replica the queue group picks: a dead one has left it) once it has waited
 * HEDGE_LATENCY_FACTOR times the slowest of the agent's recent replies, and never sooner than MIN_HEDGE_MS. Until
 * there is a history, only after half the timeout: a first slow LLM call is not paid twice.
 */
export const MIN_HEDGE_MS = 300;
export const HEDGE_LATENCY_FACTOR = 3;
/** Replies remembered for the hedge delay. */
const LATENCY_WINDOW = 20;
/** Pause before asking again when no replica is subscribed (one reconnecting), and for how long in all. */
const NO_RESPONDERS_PAUSE_MS = 250;
const NO_RESPONDERS_RETRY_MS = 1_000;

export interface FailoverOutcome<T> {
  readonly reply: T;
  /** Requests sent (1, or 2 when the first waited past the hedge delay). */
  readonly attempts: number;
}

/**
 * Requests to one agent across its replicas, within one overall timeout. A replica that dies mid-request never
 * replies (its subscription goes with its connection); rather than wait out the whole timeout, the request is
 * sent a second time after a delay learnt from the agent's own reply times, and the first reply of the two wins.
 * Agents' analyses are pure functions of the request, and the decision sink skips a decision already recorded
 * for the cycle, so the rare duplicate costs work, not correctness.
 */
export class ReplicaFailover {
  readonly #latencies: number[] = [];

  constructor(readonly timeoutMs: number) {}

  /** How long a request waits for its reply before a second one is sent. */
  hedgeAfterMs(): number {
    if (this.#latencies.length === 0) return this.timeoutMs / 2;
    const slowest = Math.max(...this.#latencies);
    return Math.min(Math.max(MIN_HEDGE_MS, HEDGE_LATENCY_FACTOR * slowest), this.timeoutMs / 2);
  }

  /**
   * Calls `send(timeoutMs)` (one bus request) once or twice; resolves with the first reply. A reply for which
   * `didTheWork` is false (a replica that refused at once) does not count among the reply times the delay is learnt from.
   */
  async request<T>(
    send: (timeoutMs: number) => Promise<T>,
    didTheWork: (reply: T) => boolean = () => true,
  ): Promise<FailoverOutcome<T>> {
    const deadline = performance.now() + this.timeoutMs;
    const first = this.#attempt(send, deadline, didTheWork);
    const hedge = this.hedgeAfterMs();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = await Promise.race([
      first.then(
        (reply) => ({ settled: true as const, reply }),
        (error: unknown) => ({ settled: true as const, error }),
      ),
      new Promise<{ settled: false }>((resolve) => {
        timer = setTimeout(() => resolve({ settled: false }), hedge);
      }),
    ]);
    clearTimeout(timer);
    if (waited.settled) {
      if ('error' in waited) throw waited.error;
      return { reply: waited.reply, attempts: 1 };
    }
    const second = this.#attempt(send, deadline, didTheWork);
    try {
      return { reply: await Promise.any([first, second]), attempts: 2 };
    } catch (error) {
      // Both failed: the first request's reason is the one to report (usually the overall timeout).
      throw error instanceof AggregateError ? error.errors[0] : error;
    }
  }

  async #attempt<T>(
    send: (timeoutMs: number) => Promise<T>,
    deadline: number,
    didTheWork: (reply: T) => boolean,
  ): Promise<T> {
    // No replica at all is said at once; a short retry covers one reconnecting, not a service that is down.
    const giveUpOnNoResponders = Math.min(deadline, performance.now() + NO_RESPONDERS_RETRY_MS);
    for (;;) {
      const sent = performance.now();
      try {
        const reply = await send(Math.max(1, Math.round(deadline - sent)));
        if (didTheWork(reply)) this.#remember(performance.now() - sent);
        return reply;
      } catch (error) {
        const left = giveUpOnNoResponders - performance.now();
        if (!(error instanceof BusNoRespondersError) || left <= NO_RESPONDERS_PAUSE_MS) throw error;
        await new Promise((resolve) => setTimeout(resolve, NO_RESPONDERS_PAUSE_MS));
      }
    }
  }

  #remember(ms: number): void {
    this.#latencies.push(ms);
    if (this.#latencies.length > LATENCY_WINDOW) this.#latencies.shift();
  }
}

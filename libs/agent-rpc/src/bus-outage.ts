import type { AgentTeam } from '@ats/agents';
import { ConnectionWeather } from '@ats/bus';

/**
 * How long a cycle waits for the bus to come back before the run fails (default): a NATS restart takes seconds,
 * JetStream's recovery of its streams a few more; past a minute the operator must look, not the cycle wait.
 */
export const DEFAULT_BUS_OUTAGE_BUDGET_MS = 60_000;
/**
 * After the connection is back, the agent services reconnect on their own schedule (1 s wait plus up to 0.5 s of
 * jitter, libs/bus) and resubscribe: a degraded team run this soon after an outage is the outage's, not an agent's.
 */
export const RESPONDERS_SETTLE_MS = 5_000;
/** Pause before asking again when the connection is already back (the agents may still be resubscribing). */
const RETRY_PAUSE_MS = 250;

/** The part of a NATS connection a watch reads (NatsConnection has it; no dependency on the client here). */
export interface ConnectionStatusSource {
  status(): AsyncIterable<{ readonly type: string }>;
  isClosed(): boolean;
}

/** The bus stayed down past the outage budget: the run stops here (resumable) rather than trade without agents. */
export class BusOutageError extends Error {
  override readonly name = 'BusOutageError';
  constructor(
    readonly budgetMs: number,
    readonly correlationId: string,
  ) {
    super(
      `NATS unreachable for more than ${budgetMs} ms during cycle ${correlationId}: the run stops ` +
        '(resume it with the same run id once NATS is back; the budget is --bus-outage-budget-ms)',
    );
  }
}

/**
 * Whether this process's own connection to the bus is down, and since when it has been up. It tells an outage of
 * the bus (every agent unreachable at once, through no fault of theirs) from one agent being slow or dead, which
 * the team's degraded path and the replica failover handle.
 */
export class BusConnectionWatch {
  readonly #weather: ConnectionWeather;
  readonly #wakers = new Set<() => void>();
  readonly #done: Promise<void>;

  constructor(
    private readonly source: ConnectionStatusSource,
    now: () => number = () => performance.now(),
  ) {
    this.#weather = new ConnectionWeather(now);
    this.#done = this.#follow();
  }

  /** Feeds one connection status (also what a test drives). */
  note(type: string): void {
    const wasDown = this.#weather.down;
    this.#weather.note(type);
    if (wasDown && !this.#weather.down) for (const wake of this.#wakers) wake();
  }

  get down(): boolean {
    return this.#weather.down;
  }

  /** Down now, or down at some moment after `since` (a disconnect or reconnect since then). */
  troubledSince(since: number): boolean {
    return this.#weather.troubledSince(since);
  }

  /** Resolves once the connection is up; false if it is still down after `timeoutMs` (or closed for good). */
  async waitUp(timeoutMs: number): Promise<boolean> {
    if (!this.down) return true;
    if (timeoutMs <= 0 || this.source.isClosed()) return false;
    return new Promise<boolean>((resolve) => {
      const finish = (up: boolean) => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve(up);
      };
      const wake = () => finish(true);
      const timer = setTimeout(() => finish(!this.down), timeoutMs);
      this.#wakers.add(wake);
    });
  }

  /** Ends with the connection's status stream (when the connection closes). */
  closed(): Promise<void> {
    return this.#done;
  }

  async #follow(): Promise<void> {
    for await (const status of this.source.status()) this.note(status.type);
  }
}

export interface OutageAwareTeamOptions {
  /** Longest wait for the bus within one cycle, from the first team run that met the outage. */
  readonly budgetMs?: number;
  /** See RESPONDERS_SETTLE_MS. */
  readonly settleMs?: number;
  /** Told each time a cycle waits for the bus (logging). */
  readonly onWait?: (event: {
    readonly correlationId: string;
    readonly attempt: number;
    readonly degraded: readonly string[];
  }) => void;
  /** Told when the bus is back and the team is asked again. */
  readonly onResumed?: (event: { readonly correlationId: string; readonly waitedMs: number }) => void;
  readonly now?: () => number;
}

/**
 * A team of remote agents that waits out an outage of the bus instead of trading without them. A team run that
 * comes back degraded while this process's connection was down (or within `settleMs` of it coming back) is
 * discarded: the cycle waits for the connection and asks every agent again, so it decides as it would have
 * without the outage (the agents' analyses are pure functions of the request). A degraded run on a healthy bus
 * (one agent slow, crashed or answering errors) is returned as it is: that is the team's degraded path. Past
 * `budgetMs` of waiting the cycle throws BusOutageError.
 */
export function outageAwareTeam(
  team: AgentTeam,
  watch: BusConnectionWatch,
  options: OutageAwareTeamOptions = {},
): AgentTeam {
  const budgetMs = options.budgetMs ?? DEFAULT_BUS_OUTAGE_BUDGET_MS;
  const settleMs = options.settleMs ?? RESPONDERS_SETTLE_MS;
  const now = options.now ?? (() => performance.now());
  return {
    config: team.config,
    async runCycle(ctx) {
      let waitingSince: number | undefined;
      for (let attempt = 1; ; attempt++) {
        const started = now();
        const outcome = await team.runCycle(ctx);
        if (outcome.degraded.length === 0 || !watch.troubledSince(started - settleMs)) {
          if (waitingSince !== undefined)
            options.onResumed?.({ correlationId: ctx.correlationId, waitedMs: now() - waitingSince });
          return outcome;
        }
        waitingSince ??= started;
        const left = waitingSince + budgetMs - now();
        options.onWait?.({
          correlationId: ctx.correlationId,
          attempt,
          degraded: outcome.degraded.map((d) => d.agent),
        });
        if (left <= 0 || !(await watch.waitUp(left))) throw new BusOutageError(budgetMs, ctx.correlationId);
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      }
    },
  };
}

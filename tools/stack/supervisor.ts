import type { ChildProcess } from 'node:child_process';

/** How the stack brings a crashed service back: exponential backoff, capped, within a restart budget. */
export interface RestartPolicy {
  /** Delay before the first restart; doubled for each further restart within the window. */
  readonly initialDelayMs: number;
  /** Longest delay between a crash and the restart. */
  readonly maxDelayMs: number;
  /** Restarts allowed within `windowMs`; one more crash and the service stays down. */
  readonly maxRestarts: number;
  readonly windowMs: number;
}

/** 1 s, 2 s, 4 s ... up to 30 s; 5 restarts in 10 minutes, then the service is given up on (as compose's
 * restart policies, but bounded: a service that cannot start does not loop forever). */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRestarts: 5,
  windowMs: 10 * 60_000,
};

/** What ended a process: a signal or an exit code. */
export type ExitReason = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

export interface SupervisorEvents {
  /** A crash (non-zero exit or a signal) that will be followed by restart number `attempt` after `delayMs`. */
  readonly onRestartScheduled?: (attempt: number, delayMs: number, exit: ExitReason) => void;
  /** The restart budget is spent: the service stays down. */
  readonly onGaveUp?: (restarts: number, exit: ExitReason) => void;
  /** The process exited with code 0 (finished, not crashed): it is not restarted. */
  readonly onCleanExit?: (exit: ExitReason) => void;
}

export interface SupervisedProcess {
  /** The current child (the latest incarnation after restarts). */
  readonly child: ChildProcess;
  /** Restarts so far. */
  readonly restarts: number;
  /** Stops supervising: a later exit is not restarted and a pending restart is cancelled. */
  release(): void;
}

/** Delay before restart `attempt` (1-based): initial * 2^(attempt-1), at most maxDelayMs. */
export function restartDelay(policy: RestartPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
}

/**
 * Runs `start()` and starts it again when the process crashes. A clean exit (code 0) is a finished process and
 * is left alone; a crash past the budget is reported and left down, so nothing restarts forever.
 */
export function supervise(
  start: () => ChildProcess,
  policy: RestartPolicy,
  events: SupervisorEvents = {},
): SupervisedProcess {
  let child = start();
  let restarts = 0;
  let released = false;
  let timer: NodeJS.Timeout | undefined;
  const restartTimes: number[] = [];

  const watch = (current: ChildProcess) => {
    current.once('exit', (code, signal) => {
      if (released) return;
      const exit = { code, signal };
      if (code === 0 && signal === null) {
        events.onCleanExit?.(exit);
        return;
      }
      const now = Date.now();
      while (restartTimes.length > 0 && now - (restartTimes[0] as number) > policy.windowMs)
        restartTimes.shift();
      if (restartTimes.length >= policy.maxRestarts) {
        events.onGaveUp?.(restartTimes.length, exit);
        return;
      }
      restartTimes.push(now);
      const attempt = restartTimes.length;
      const delayMs = restartDelay(policy, attempt);
      events.onRestartScheduled?.(attempt, delayMs, exit);
      timer = setTimeout(() => {
        timer = undefined;
        if (released) return;
        child = start();
        restarts++;
        watch(child);
      }, delayMs);
    });
  };
  watch(child);

  return {
    get child() {
      return child;
    },
    get restarts() {
      return restarts;
    },
    release() {
      released = true;
      clearTimeout(timer);
    },
  };
}

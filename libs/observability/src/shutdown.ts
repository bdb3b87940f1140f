import type { Logger } from 'pino';

export interface GracefulShutdown {
  /** True once shutdown began: health endpoints report `draining` from then on. */
  readonly draining: boolean;
  /** Shuts down for a reason other than a signal (e.g. a background task failed), exiting with `exitCode`. */
  shutdown(reason: string, exitCode?: number): Promise<void>;
}

/**
 * Runs `stop` once, on the first SIGINT or SIGTERM (a Ctrl-C reaches the whole process group and a supervisor then
 * sends SIGTERM too) or an explicit `shutdown()`, then exits — with 1 when stopping fails, the error logged.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): GracefulShutdown {
  const state = {
    draining: false,
    async shutdown(reason: string, exitCode = 0) {
      if (state.draining) return;
      state.draining = true;
      logger.info({ reason }, 'shutting down');
      try {
        await stop();
        process.exit(exitCode);
      } catch (error) {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      }
    },
  };
  process.once('SIGINT', () => void state.shutdown('SIGINT'));
  process.once('SIGTERM', () => void state.shutdown('SIGTERM'));
  return state;
}

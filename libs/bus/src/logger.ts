/**
 * The logging surface the bus needs: pino-compatible (`logger.info({ subject }, 'message')`), so a pino logger
 * from the observability lib can be passed as is.
 */
export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** Used when no logger is given: the bus stays quiet rather than writing to stdout on its own. */
export const silentLogger: BusLogger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
};

import type { AppConfig } from '@ats/config';
import { createLogger, type Logger } from '@ats/observability';
import { SERVICE } from './defaults';

/**
 * The backtester's pino logger (stderr). A module of its own: a backtest in this process logs nothing, and loading
 * pino cost ~35 ms of the README main job's start-up.
 */
export function logger(config: AppConfig): Logger {
  return createLogger({
    service: config.service.name ?? SERVICE,
    level: config.logLevel,
    pretty: config.environment === 'development' && process.stdout.isTTY,
    secretValues: config.secretValues,
    destination: process.stderr,
  });
}

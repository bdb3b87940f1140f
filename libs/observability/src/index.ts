export { newCorrelationId } from './correlation';
export {
  type CreateLoggerOptions,
  createLogger,
  type Logger,
  REDACTED_PATHS,
  scrubSecrets,
  withCorrelation,
} from './logger';
export { type GracefulShutdown, onShutdownSignal } from './shutdown';

import { type Logger, type LoggerOptions, pino } from 'pino';

/** Field paths whose values are replaced by `[REDACTED]` wherever they appear (one level of nesting). */
export const REDACTED_PATHS = [
  'apiKey',
  'api_key',
  'apikey',
  'token',
  'accessToken',
  'password',
  'secret',
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.apiKey',
  '*.api_key',
  '*.apikey',
  '*.token',
  '*.accessToken',
  '*.password',
  '*.secret',
  '*.authorization',
];

export interface CreateLoggerOptions {
  /** Service name stamped on every line (`service` field). */
  readonly service: string;
  readonly level?: string;
  /** Human-readable output (development); JSON otherwise. */
  readonly pretty?: boolean;
  /**
   * Secret values (API keys, passwords) to scrub from every line, whatever field or message carries them.
   * Path-based redaction cannot catch a key pasted into a URL or an error message; this can.
   */
  readonly secretValues?: readonly string[];
  /** Destination stream (tests); defaults to stdout. */
  readonly destination?: NodeJS.WritableStream;
}

export type { Logger };

/** pino JSON logger with service name, secret redaction and ISO timestamps. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const secrets = (options.secretValues ?? []).filter((s) => s.length >= 4);
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    formatters: { level: (label) => ({ level: label }) },
    hooks: secrets.length > 0 ? { streamWrite: (line) => scrubSecrets(line, secrets) } : {},
  };
  if (options.pretty && !options.destination) {
    return pino({ ...pinoOptions, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(pinoOptions, (options.destination ?? process.stdout) as pino.DestinationStream);
}

export function scrubSecrets(line: string, secrets: readonly string[]): string {
  let scrubbed = line;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join('[REDACTED]');
  return scrubbed;
}

/** A child logger whose lines carry the correlation id of one analysis cycle or request chain. */
export function withCorrelation(logger: Logger, correlationId: string): Logger {
  return logger.child({ correlationId });
}

import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/**
 * Query parameters whose values are safe in a log line. Every other value is masked: access tokens (`?token=`, the
 * one place a browser can put them) and whatever key a client pastes into a URL under any name.
 */
export const LOGGABLE_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  'agent',
  'correlationId',
  'cursor',
  'from',
  'limit',
  'runId',
  'status',
  'symbol',
  'timeframe',
  'to',
]);

export const REDACTED = '[REDACTED]';
/** An API key (`ats_<prefix>_<secret>`) is masked even under a loggable name. */
const API_KEY_LIKE = /ats_[0-9a-f]{12}_/i;

/** The URL with every query value that might be a secret replaced by `[REDACTED]`; the path is kept. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      // A bare word (`?ats_…`) may itself be the secret.
      if (equals < 0) return LOGGABLE_QUERY_PARAMETERS.has(safeDecode(pair)) ? pair : REDACTED;
      const name = pair.slice(0, equals);
      const value = safeDecode(pair.slice(equals + 1));
      return LOGGABLE_QUERY_PARAMETERS.has(safeDecode(name)) && !API_KEY_LIKE.test(value)
        ? pair
        : `${name}=${REDACTED}`;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Fastify's request serializer (method, url, host, address, port) with the query's secrets masked. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

const maskedUrlLoggers = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();

/**
 * Each request's logger serializes `req` with the masked URL. Path-based redaction cannot reach into a URL string,
 * and value-based scrubbing only knows the process's own secrets, not a client's token or key.
 * The serializer is set once on a child of the server's logger; a request's logger is then a plain child of that
 * (pino's cheap path), unless the route sets its own level or serializers.
 */
export function childLoggerWithMaskedUrls(
  logger: FastifyBaseLogger,
  bindings: Parameters<FastifyBaseLogger['child']>[0],
  options: NonNullable<Parameters<FastifyBaseLogger['child']>[1]>,
): FastifyBaseLogger {
  if (options.level === undefined && options.serializers === undefined) {
    let masked = maskedUrlLoggers.get(logger);
    if (masked === undefined) {
      masked = logger.child({}, { serializers: { req: serializeRequest } });
      maskedUrlLoggers.set(logger, masked);
    }
    return masked.child(bindings);
  }
  return logger.child(bindings, {
    ...options,
    serializers: { ...options.serializers, req: serializeRequest },
  });
}

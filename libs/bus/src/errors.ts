import type { ErrorReply } from '@ats/contracts';

/** No reply arrived within the request's timeout. */
export class BusTimeoutError extends Error {
  override readonly name = 'BusTimeoutError';
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply on ${subject} within ${timeoutMs} ms`);
  }
}

/** Nobody listens on the request subject (the service is down or not yet subscribed). */
export class BusNoRespondersError extends Error {
  override readonly name = 'BusNoRespondersError';
  constructor(readonly subject: string) {
    super(`no responders on ${subject}`);
  }
}

/** A durable publish found no stream for its subject, or the topology refers to an unknown stream/consumer. */
export class BusTopologyError extends Error {
  override readonly name = 'BusTopologyError';
  constructor(
    message: string,
    readonly stream?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The bus was closed; nothing more can be published or subscribed on it. */
export class BusClosedError extends Error {
  override readonly name = 'BusClosedError';
  constructor(readonly busName: string) {
    super(`bus ${busName} is closed`);
  }
}

/**
 * Thrown by a `serve` handler to answer with a specific error code (e.g. `not_found` for an unknown symbol)
 * instead of the generic `internal`.
 */
export class BusReplyError extends Error {
  override readonly name = 'BusReplyError';
  constructor(
    readonly code: ErrorReply['code'],
    message: string,
  ) {
    super(message);
  }
}

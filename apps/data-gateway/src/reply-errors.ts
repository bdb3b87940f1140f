import { BusReplyError } from '@ats/bus';
import { AllProvidersFailedError, errorReplyCodeFor } from '@ats/market-data';

/** The data exists nowhere: e.g. indicators asked before the first bar of a symbol. */
export class NoBarsError extends Error {
  override readonly name = 'NoBarsError';
}

/**
 * Turns a market-data failure into a typed reply error. Messages name the request and each provider's failure
 * kind, not provider internals or server paths (a CSV path, an upstream body).
 */
export function toReplyError(error: unknown, what: string, symbols: readonly string[]): Error {
  if (error instanceof BusReplyError) return error;
  if (error instanceof NoBarsError) return new BusReplyError('not_found', error.message);
  if (!(error instanceof AllProvidersFailedError)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const code = errorReplyCodeFor(error);
  if (code === 'not_found') {
    return new BusReplyError('not_found', `unknown symbol ${symbols.join(',')}: no data provider has it`);
  }
  const reasons = error.failures
    .map((f) => (f.kind === 'unsupported' ? f.message : `${f.provider}: ${f.kind}`))
    .join('; ');
  return new BusReplyError(
    code === 'internal' ? 'unavailable' : code,
    `${what} is unavailable (${reasons || 'no providers'})`,
  );
}

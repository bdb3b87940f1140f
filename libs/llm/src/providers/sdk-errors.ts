import { LlmAbortedError, LlmConnectionError, LlmError, LlmHttpError, LlmTimeoutError } from '../errors';
import { retryAfterMs } from '../retry-policy';

/** The error classes both official SDKs (openai, @anthropic-ai/sdk) export with the same shape. */
export interface SdkErrorClasses {
  readonly APIError: abstract new (
    ...args: never[]
  ) => {
    readonly status: number | undefined;
    readonly headers: Headers | undefined;
    readonly error: unknown;
    readonly requestID?: string | null | undefined;
    readonly message: string;
  };
  readonly APIUserAbortError: abstract new (...args: never[]) => Error;
  readonly APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  readonly APIConnectionError: abstract new (...args: never[]) => Error;
}

/** Map an SDK error to this library's typed errors, reading the provider's error body and Retry-After headers. */
export function fromSdkError(
  error: unknown,
  classes: SdkErrorClasses,
  provider: string,
  model: string,
  nowMs: number,
  timeoutMs: number,
): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof classes.APIUserAbortError) return new LlmAbortedError(provider, model);
  if (error instanceof classes.APIConnectionTimeoutError)
    return new LlmTimeoutError(provider, model, timeoutMs);
  if (error instanceof classes.APIConnectionError) {
    return new LlmConnectionError(provider, model, error.message, { cause: error });
  }
  if (error instanceof classes.APIError && error.status !== undefined) {
    const body = errorBody(error.error);
    return new LlmHttpError(
      provider,
      model,
      error.status,
      body.type,
      body.message ?? error.message,
      retryAfterMs(error.headers, nowMs),
      error.requestID ?? undefined,
      { cause: error },
    );
  }
  return new LlmConnectionError(provider, model, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

// OpenAI: the SDK hands over body.error = {message, type, param, code}; Anthropic: the whole body
// {type: 'error', error: {type, message}}.
function errorBody(raw: unknown): { type?: string; message?: string } {
  if (raw === null || typeof raw !== 'object') return {};
  const record = raw as Record<string, unknown>;
  const inner =
    record.type === 'error' && record.error && typeof record.error === 'object'
      ? (record.error as Record<string, unknown>)
      : record;
  return {
    type: typeof inner.type === 'string' ? inner.type : undefined,
    message: typeof inner.message === 'string' ? inner.message : undefined,
  };
}

import type { z } from 'zod';

/** Base of every error this library throws; `provider` and `model` say which endpoint failed. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly provider: string,
    readonly model: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmError';
  }
}

/** The provider answered with an HTTP error (body in the provider's error format). */
export class LlmHttpError extends LlmError {
  constructor(
    provider: string,
    model: string,
    readonly status: number,
    /** The provider's error type (`rate_limit_error`, `invalid_request_error`, ...), when it sent one. */
    readonly errorType: string | undefined,
    readonly providerMessage: string,
    /** Delay the provider asked for (Retry-After / retry-after-ms), in ms. */
    readonly retryAfterMs: number | undefined,
    readonly requestId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `${provider} ${model}: HTTP ${status}${errorType ? ` ${errorType}` : ''}: ${providerMessage}`,
      provider,
      model,
      options,
    );
    this.name = 'LlmHttpError';
  }

  /** 408, 409, 429 and 5xx (Anthropic's 529 overloaded included) are transient; other 4xx are our fault. */
  get retryable(): boolean {
    return this.status === 408 || this.status === 409 || this.status === 429 || this.status >= 500;
  }
}

/** No answer within the configured time for one attempt. */
export class LlmTimeoutError extends LlmError {
  constructor(
    provider: string,
    model: string,
    readonly timeoutMs: number,
  ) {
    super(`${provider} ${model}: no answer within ${timeoutMs} ms`, provider, model);
    this.name = 'LlmTimeoutError';
  }
}

/** The endpoint could not be reached (refused, reset, DNS). */
export class LlmConnectionError extends LlmError {
  constructor(provider: string, model: string, detail: string, options?: { cause?: unknown }) {
    super(`${provider} ${model}: connection failed: ${detail}`, provider, model, options);
    this.name = 'LlmConnectionError';
  }
}

/** The caller aborted (its own signal); never retried. */
export class LlmAbortedError extends LlmError {
  constructor(provider: string, model: string) {
    super(`${provider} ${model}: aborted by the caller`, provider, model);
    this.name = 'LlmAbortedError';
  }
}

/** The answer had no usable content (refusal, truncated by max tokens, no tool call). */
export class LlmEmptyAnswerError extends LlmError {
  constructor(provider: string, model: string, reason: string) {
    super(`${provider} ${model}: no structured answer (${reason})`, provider, model);
    this.name = 'LlmEmptyAnswerError';
  }
}

/**
 * The answer did not parse as JSON or did not validate against the schema, even after the one repair request
 * that carried the validation error back to the model.
 */
export class LlmSchemaError extends LlmError {
  constructor(
    provider: string,
    model: string,
    readonly schemaName: string,
    /** zod issues of the last answer; empty when it was not JSON at all. */
    readonly issues: readonly z.core.$ZodIssue[],
    /** The last answer as received (text), for the log. */
    readonly answer: string,
    readonly problem: string,
  ) {
    super(
      `${provider} ${model}: answer does not match ${schemaName} after one repair: ${problem}`,
      provider,
      model,
    );
    this.name = 'LlmSchemaError';
  }
}

/** Cache mode `replay` and no stored answer for this request: a reproducible run must not call the provider. */
export class LlmCacheMissError extends LlmError {
  constructor(
    provider: string,
    model: string,
    readonly key: string,
  ) {
    super(
      `${provider} ${model}: no cached answer for key ${key} (cache mode replay makes no provider calls)`,
      provider,
      model,
    );
    this.name = 'LlmCacheMissError';
  }
}

/** The configuration cannot build a client (missing model, key or base URL). */
export class LlmConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlmConfigError';
  }
}

import type { ErrorReply, HttpError } from '@ats/contracts';

/** HTTP status for each bus error code: failures of downstream services become honest HTTP answers. */
export const STATUS_BY_REPLY_CODE: Record<ErrorReply['code'], number> = {
  invalid_request: 400,
  // An unknown ticker is a bad parameter of this request, answered as 400 with the reason.
  not_found: 400,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
  internal: 502,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function httpError(statusCode: number, message: string, issues?: HttpError['issues']): HttpError {
  return { statusCode, error: REASON[statusCode] ?? 'Error', message, ...(issues ? { issues } : {}) };
}

/** Raised inside handlers to answer with a given status; the error handler turns it into an HttpError body. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

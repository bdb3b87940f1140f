import { type ApiMalformedKind, type ApiMalformedRequest, apiMalformedRequest } from './api-malformed';

export const API_MALFORMED_COUNT = 10_000;
/** Requests in flight at once: a busy client fleet, bounded so the flood measures the gateway, not the kernel. */
export const API_FLOOD_CONCURRENCY = 50;
// A deadline for one answer while the flood and the rest of the run share two cores.
const REQUEST_TIMEOUT_MS = 30_000;

/** A request whose answer was not a 4xx carrying a JSON message (or that got no answer at all). */
export interface ApiFloodFailure {
  readonly index: number;
  readonly kind: ApiMalformedKind;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly problem: string;
}

export interface ApiFloodOutcome {
  readonly sent: number;
  readonly elapsedMs: number;
  readonly byStatus: Readonly<Record<number, number>>;
  readonly byKind: Partial<Record<ApiMalformedKind, number>>;
  readonly failures: readonly ApiFloodFailure[];
  /** Slowest answer, ms. */
  readonly maxLatencyMs: number;
}

/** Sends `count` malformed requests to `baseUrl` with the given API key, `concurrency` at a time. */
export async function floodApi(options: {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly count?: number;
  readonly concurrency?: number;
}): Promise<ApiFloodOutcome> {
  const count = options.count ?? API_MALFORMED_COUNT;
  const byStatus: Record<number, number> = {};
  const byKind: Partial<Record<ApiMalformedKind, number>> = {};
  const failures: ApiFloodFailure[] = [];
  let next = 0;
  let maxLatencyMs = 0;
  const started = performance.now();

  const sendOne = async (index: number, request: ApiMalformedRequest) => {
    const fail = (problem: string, status?: number) =>
      failures.push({
        index,
        kind: request.kind,
        method: request.method,
        path: request.path.slice(0, 200),
        status,
        problem,
      });
    const sentAt = performance.now();
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}${request.path}`, {
        method: request.method,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          ...(request.contentType ? { 'content-type': request.contentType } : {}),
        },
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      fail(`no answer: ${cause?.code ?? cause?.message ?? String(error)}`);
      return;
    }
    const text = await response.text();
    maxLatencyMs = Math.max(maxLatencyMs, performance.now() - sentAt);
    byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
    if (response.status < 400 || response.status >= 500) {
      fail(`status ${response.status}: ${text.slice(0, 200)}`, response.status);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      fail(`body is not JSON: ${text.slice(0, 200)}`, response.status);
      return;
    }
    const message = (body as { message?: unknown } | null)?.message;
    if (typeof message !== 'string' || message.length === 0)
      fail(`no message in the body: ${text.slice(0, 200)}`, response.status);
  };

  const lane = async () => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      const request = apiMalformedRequest(index);
      byKind[request.kind] = (byKind[request.kind] ?? 0) + 1;
      await sendOne(index, request);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? API_FLOOD_CONCURRENCY }, lane));
  return { sent: count, elapsedMs: performance.now() - started, byStatus, byKind, failures, maxLatencyMs };
}

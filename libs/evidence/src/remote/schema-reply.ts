import {
  type HttpReply,
  MalformedResponseError,
  parseJsonBody,
  snippet,
  UnsupportedRequestError,
} from '@ats/market-data';
import type { z } from 'zod';

/**
 * Parses a JSON reply against the provider's documented shape; a mismatch names the first wrong field. The HTTP
 * client has already classified 401/403 (auth), 429 (rate limit) and 5xx (down); another 4xx is a refusal of
 * this request.
 */
export function parseReply<S extends z.ZodType>(provider: string, reply: HttpReply, schema: S): z.output<S> {
  if (reply.status >= 400) {
    throw new UnsupportedRequestError(provider, `HTTP ${reply.status} ${snippet(reply.body)}`);
  }
  const body = parseJsonBody(provider, reply);
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(body)';
    throw new MalformedResponseError(
      provider,
      `reply does not match the documented shape at ${where}: ${issue?.message ?? 'invalid'} (${snippet(reply.body)})`,
    );
  }
  return result.data;
}

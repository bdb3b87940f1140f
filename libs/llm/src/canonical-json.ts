import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * RFC 8785 canonical JSON (the `canonicalize` package): object keys sorted at every level, no whitespace,
 * ECMAScript number text; equal data gives equal text. NaN, Infinity and lone surrogates are refused (they have no
 * canonical form).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError(`no JSON form for a ${typeof value}`);
  return text;
}

/** What identifies one completion: the same inputs must give the same answer from the cache. */
export interface CacheKeyInput {
  readonly provider: string;
  readonly model: string;
  readonly temperature: number;
  readonly system: string;
  readonly user: string;
  readonly schema: unknown;
  readonly schemaName: string;
}

/** sha256 (hex) of the canonical JSON of the request's identity. */
export function cacheKey(input: CacheKeyInput): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

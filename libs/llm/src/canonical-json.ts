import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level and no whitespace: equal data gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) sorted[key] = sortKeys(item);
  }
  return sorted;
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

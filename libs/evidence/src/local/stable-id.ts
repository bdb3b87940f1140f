import { createHash } from 'node:crypto';

/** A short id that stays the same across runs and machines for the same source fields (16 hex digits of SHA-1). */
export function stableId(...fields: readonly string[]): string {
  return createHash('sha1').update(fields.join('\u001f')).digest('hex').slice(0, 16);
}

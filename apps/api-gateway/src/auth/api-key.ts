import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiScope } from '@ats/contracts';

/** Public lookup part of a key: 6 random bytes as 12 hex characters (shown in lists and logs). */
export const API_KEY_PREFIX_BYTES = 6;
/** The secret: 32 random bytes (256 bits), of which only the SHA-256 is stored. */
export const API_KEY_SECRET_BYTES = 32;

const TOKEN_PATTERN = /^ats_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface IssuedSecret {
  readonly prefix: string;
  /** SHA-256 (hex) of the secret bytes: what the ApiKey row keeps. */
  readonly hash: string;
  /** `ats_<prefix>_<secret>`: handed to the user once. */
  readonly token: string;
}

/** Makes a new key: random prefix and secret; `random` is injectable for tests. */
export function issueSecret(random: (size: number) => Buffer = randomBytes): IssuedSecret {
  const prefix = random(API_KEY_PREFIX_BYTES).toString('hex');
  const secret = random(API_KEY_SECRET_BYTES);
  return { prefix, hash: hashSecret(secret), token: `ats_${prefix}_${secret.toString('base64url')}` };
}

export function hashSecret(secret: Buffer): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Splits a presented key into its prefix and secret bytes; undefined when it is not one of ours. */
export function parseToken(token: string): { prefix: string; secret: Buffer } | undefined {
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return undefined;
  const secret = Buffer.from(match[2] as string, 'base64url');
  return secret.length === API_KEY_SECRET_BYTES ? { prefix: match[1] as string, secret } : undefined;
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(secret: Buffer, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

const SCOPE_RANK: Record<ApiScope, number> = { read: 0, trade: 1, admin: 2 };

/** Scopes are ordered: admin implies trade, trade implies read. */
export function scopeAllows(granted: readonly string[], required: ApiScope): boolean {
  return granted.some((s) => s in SCOPE_RANK && SCOPE_RANK[s as ApiScope] >= SCOPE_RANK[required]);
}

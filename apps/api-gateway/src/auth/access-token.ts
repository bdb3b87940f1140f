import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '@ats/contracts';

/** Stream/report links live a few minutes: long enough to open, short enough that a leaked URL soon dies. */
export const ACCESS_TOKEN_TTL_MS = 5 * 60_000;

export interface AccessGrant {
  readonly keyId: string;
  /** Epoch ms after which the token is refused. */
  readonly expiresAt: number;
}

/**
 * Signed, short-lived read tokens for the two GETs a browser cannot send headers with (EventSource on
 * /v1/stream, report links). HMAC-SHA256 over `keyId.expiresAt` with a server secret; the key itself is still
 * checked (not revoked) when the token is used.
 */
export class AccessTokens {
  constructor(
    private readonly secret: Buffer,
    private readonly clock: Clock,
    private readonly ttlMs: number = ACCESS_TOKEN_TTL_MS,
  ) {}

  issue(keyId: string): { token: string; expiresAt: Date } {
    const expiresAt = this.clock.now().getTime() + this.ttlMs;
    const payload = Buffer.from(`${keyId}.${expiresAt}`).toString('base64url');
    return { token: `${payload}.${this.#sign(payload)}`, expiresAt: new Date(expiresAt) };
  }

  /** The grant, or undefined when the token is malformed, forged or expired. */
  verify(token: string): AccessGrant | undefined {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return undefined;
    const expected = Buffer.from(this.#sign(payload), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const [keyId, expires] = Buffer.from(payload, 'base64url').toString().split('.');
    const expiresAt = Number(expires);
    if (!keyId || !Number.isFinite(expiresAt) || expiresAt <= this.clock.now().getTime()) return undefined;
    return { keyId, expiresAt };
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}

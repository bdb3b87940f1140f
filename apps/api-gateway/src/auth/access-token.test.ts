import { ManualClock } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TTL_MS, AccessTokens } from './access-token';

describe('signed access tokens', () => {
  const clock = new ManualClock('2026-01-05T12:00:00Z');
  const tokens = new AccessTokens(Buffer.alloc(32, 7), clock);

  it('grants the key until the token expires', () => {
    const { token, expiresAt } = tokens.issue('key-1');
    expect(expiresAt.toISOString()).toBe('2026-01-05T12:05:00.000Z');
    expect(tokens.verify(token)).toEqual({ keyId: 'key-1', expiresAt: expiresAt.getTime() });
    clock.set(new Date(Date.parse('2026-01-05T12:00:00Z') + ACCESS_TOKEN_TTL_MS));
    expect(tokens.verify(token)).toBeUndefined();
    clock.set('2026-01-05T12:00:00Z');
  });

  it('refuses forged, re-signed and malformed tokens', () => {
    const { token } = tokens.issue('key-1');
    const [payload, signature] = token.split('.');
    const otherKey = Buffer.from(`key-2.${Date.parse('2026-01-05T12:05:00Z')}`).toString('base64url');
    expect(tokens.verify(`${otherKey}.${signature}`)).toBeUndefined();
    expect(new AccessTokens(Buffer.alloc(32, 8), clock).verify(token)).toBeUndefined();
    expect(tokens.verify(`${payload}`)).toBeUndefined();
    expect(tokens.verify(`${token}.x`)).toBeUndefined();
    expect(tokens.verify('')).toBeUndefined();
  });
});

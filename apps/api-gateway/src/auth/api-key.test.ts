import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueSecret, parseToken, scopeAllows, secretMatches } from './api-key';

describe('API key secrets', () => {
  it('issues ats_<12 hex>_<43 base64url> and stores only the SHA-256 of the 32 secret bytes', () => {
    const issued = issueSecret();
    expect(issued.token).toMatch(/^ats_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseToken(issued.token);
    expect(parsed?.prefix).toBe(issued.prefix);
    expect(parsed?.secret).toHaveLength(32);
    expect(issued.hash).toBe(
      createHash('sha256')
        .update(parsed?.secret ?? Buffer.alloc(0))
        .digest('hex'),
    );
    expect(issued.token).not.toContain(issued.hash);
  });

  it('matches only the right secret', () => {
    const a = issueSecret();
    const b = issueSecret();
    expect(secretMatches(parseToken(a.token)?.secret ?? Buffer.alloc(0), a.hash)).toBe(true);
    expect(secretMatches(parseToken(b.token)?.secret ?? Buffer.alloc(0), a.hash)).toBe(false);
    expect(secretMatches(Buffer.alloc(32), 'abc')).toBe(false);
  });

  it.each([
    '',
    'ats_',
    'Bearer x',
    `ats_ABCDEF012345_${'a'.repeat(43)}`,
    `ats_0123456789ab_${'a'.repeat(42)}`,
  ])('refuses the malformed token %j', (token) => expect(parseToken(token)).toBeUndefined());

  it('orders scopes: admin ⊃ trade ⊃ read', () => {
    expect(scopeAllows(['admin'], 'trade')).toBe(true);
    expect(scopeAllows(['trade'], 'read')).toBe(true);
    expect(scopeAllows(['trade'], 'admin')).toBe(false);
    expect(scopeAllows(['read'], 'trade')).toBe(false);
    expect(scopeAllows(['superuser'], 'read')).toBe(false);
    expect(scopeAllows([], 'read')).toBe(false);
  });
});

import { Prisma } from '@ats/db';
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-outage';

const known = (code: string, message = 'failed') =>
  new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: '7' });

describe('isDatabaseUnavailable', () => {
  it.each(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037'])('is true for %s', (code) => {
    expect(isDatabaseUnavailable(known(code))).toBe(true);
  });

  it('is true for an unreachable server reported by a raw query', () => {
    expect(
      isDatabaseUnavailable(known('P2010', "Raw query failed. Message: `Can't reach database server`")),
    ).toBe(true);
  });

  it('is false for the request’s own faults and for errors that are not Prisma’s', () => {
    expect(isDatabaseUnavailable(known('P2002'))).toBe(false);
    expect(isDatabaseUnavailable(known('P2025'))).toBe(false);
    expect(isDatabaseUnavailable(new Error("Can't reach database server"))).toBe(false);
    expect(isDatabaseUnavailable('P1001')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './decision-cursor';

describe('decision cursor', () => {
  it('round-trips the last row position', () => {
    const cursor = { decidedAt: new Date('2023-06-01T20:00:00.123Z'), id: 'cm0abc' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['a non-array', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad date', Buffer.from('["2023-13-01T00:00:00.000Z","x"]').toString('base64url')],
    ['a non-canonical date', Buffer.from('["2023-06-01","x"]').toString('base64url')],
    ['an empty id', Buffer.from('["2023-06-01T00:00:00.000Z",""]').toString('base64url')],
    ['an id with a NUL byte', Buffer.from('["2023-06-01T00:00:00.000Z","a\\u0000b"]').toString('base64url')],
    [
      'the earliest JavaScript date',
      Buffer.from('["-271821-04-20T00:00:00.000Z","x"]').toString('base64url'),
    ],
    ['the latest JavaScript date', Buffer.from('["+275760-09-13T00:00:00.000Z","x"]').toString('base64url')],
    ['year 0', Buffer.from('["0000-01-01T00:00:00.000Z","x"]').toString('base64url')],
  ])('rejects %s', (_case, text) => expect(decodeCursor(text)).toBeUndefined());
});

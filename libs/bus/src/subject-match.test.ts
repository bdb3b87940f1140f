import { describe, expect, it } from 'vitest';
import { isPublishableSubject, subjectMatches } from './subject-match';

describe('subjectMatches', () => {
  it.each([
    ['md.bar.1d.AAPL', 'md.bar.1d.AAPL', true],
    ['md.bar.1d.*', 'md.bar.1d.AAPL', true],
    ['md.bar.*.AAPL', 'md.bar.1h.AAPL', true],
    ['md.bar.1d.*', 'md.bar.1d', false],
    ['md.bar.1d.*', 'md.bar.1d.AAPL.x', false],
    ['md.bar.>', 'md.bar.1d.AAPL', true],
    ['md.bar.>', 'md.bar', false],
    ['md.>', 'md.bar', true],
    ['>', 'anything.at.all', true],
    ['decision.*', 'decisions.x', false],
    ['a.b', 'a.b.c', false],
    ['a.b.c', 'a.b', false],
  ])('%s vs %s -> %s', (pattern, subject, expected) => {
    expect(subjectMatches(pattern, subject)).toBe(expected);
  });
});

describe('isPublishableSubject', () => {
  it('rejects wildcards and empty tokens', () => {
    expect(isPublishableSubject('order.submit.AAPL')).toBe(true);
    expect(isPublishableSubject('order.*')).toBe(false);
    expect(isPublishableSubject('order.>')).toBe(false);
    expect(isPublishableSubject('order..x')).toBe(false);
    expect(isPublishableSubject('order x')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { DENSE_FEATURE_NAMES, extractFeatures, featureSlot, modelTokens } from './features';

describe('modelTokens', () => {
  it('replaces links, cashtags, handles, signed percentages and numbers, and keeps emoji', () => {
    expect(modelTokens('RT @trader: $AAPL +5% 🚀 to the moon http://t.co/x, was -3.2% at $100')).toEqual([
      'rt',
      '_user_',
      '_cashtag_',
      '_pctup_',
      '🚀',
      'to',
      'the',
      'moon',
      '_url_',
      'was',
      '_pctdown_',
      'at',
      '_num_',
    ]);
  });

  it('marks up to three words after a negator, until clause punctuation', () => {
    expect(modelTokens("Sales did not increase at all, profit isn't bad.")).toEqual([
      'sales',
      'did',
      'not',
      'not_increase',
      'not_at',
      'not_all',
      'profit',
      "isn't",
      'not_bad',
    ]);
  });
});

describe('extractFeatures', () => {
  it('has one unigram per token and one bigram per adjacent pair, each group of unit norm', () => {
    const f = extractFeatures('profit rose sharply', true);
    expect(f.names).toEqual(['w:profit', 'w:rose', 'w:sharply', 'b:profit rose', 'b:rose sharply']);
    expect(f.terms).toEqual(['profit', 'rose', 'sharply', 'profit rose', 'rose sharply']);
    expect(f.values.slice(0, 3).reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 12);
    expect(f.values.slice(3).reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 12);
    // The bigram hash computed without building the string equals the hash of the named feature.
    expect(f.slots).toEqual(f.names?.map(featureSlot));
  });

  it('scores word lists with negation: "not good" counts as negative, slang counts by direction', () => {
    const dense = (t: string) =>
      Object.fromEntries(DENSE_FEATURE_NAMES.map((n, i) => [n, extractFeatures(t).dense[i]]));
    expect(dense('good results')['lexicon:score']).toBeGreaterThan(0);
    expect(dense('not good results')['lexicon:score']).toBeLessThan(0);
    expect(dense('loading up calls, to the moon')['slang:bullish']).toBe(2);
    expect(dense('bought puts, bagholders everywhere')['slang:bearish']).toBe(2);
  });

  it('does not take Object.prototype members for lexicon words ("constructor")', () => {
    expect([...extractFeatures('the main constructor').dense].every(Number.isFinite)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyScore, NEUTRAL_BAND, scoreText, tokenize } from './scorer';

describe('tokenize', () => {
  it('lower-cases, drops possessives and numbers, splits unknown hyphenated words', () => {
    expect(tokenize("Nokia's pre-tax profit rose 5% to EUR 3m")).toEqual([
      'nokia',
      'pre',
      'tax',
      'profit',
      'rose',
      'to',
      'eur',
      'm',
    ]);
  });
  it('keeps hyphenated words the lexicon knows', () => {
    expect(tokenize('A better-than-expected quarter')).toContain('better-than-expected');
  });
});

describe('scoreText', () => {
  it('reads a rise in profit as good news and a rise in loss as bad news', () => {
    expect(scoreText('Operating profit rose to EUR 5m').label).toBe('positive');
    expect(scoreText('Operating loss increased to EUR 5m').label).toBe('negative');
  });

  it('reads a falling loss as good news ("loss decreased", "loss narrowed")', () => {
    const s = scoreText('The net loss decreased to EUR 2m from EUR 4m');
    expect(s.label).toBe('positive');
    expect(s.hits.find((h) => h.kind === 'movement')?.term).toBe('loss decreased');
    expect(scoreText('Pre-tax loss narrowed to EUR 1m').label).toBe('positive');
  });

  it('reads falling sales as bad news, with the object after the verb too', () => {
    expect(scoreText('Net sales fell by 12 percent').label).toBe('negative');
    expect(scoreText('The company increased its sales in Russia').label).toBe('positive');
  });

  it('flips sentiment after a negator and leaves the negator itself unscored', () => {
    const plain = scoreText('The outlook is good');
    const negated = scoreText('The outlook is not good at all');
    expect(plain.raw).toBeGreaterThan(0);
    expect(negated.raw).toBeLessThan(0);
    expect(scoreText("Sales didn't increase").label).toBe('negative');
  });

  it('scales a term by a neighbouring intensifier or softener', () => {
    const base = scoreText('Profit rose').raw;
    expect(scoreText('Profit rose sharply').raw).toBeCloseTo(base * 1.5);
    expect(scoreText('Profit rose slightly').raw).toBeCloseTo(base * 0.5);
  });

  it('scores finance phrases', () => {
    expect(scoreText('The group issued a profit warning').label).toBe('negative');
    expect(scoreText('Quarterly results beat expectations').label).toBe('positive');
  });

  it('leaves plain factual sentences neutral', () => {
    const s = scoreText('The company is headquartered in Helsinki and employs 300 people.');
    expect(s.label).toBe('neutral');
    expect(s.hits).toEqual([]);
    expect(s.score).toBe(0);
  });

  it('keeps the score inside (-1, 1) and classifies with the documented band', () => {
    const s = scoreText('Profit rose sharply, sales jumped, orders doubled and margins widened strongly');
    expect(s.score).toBeGreaterThan(0.9);
    expect(s.score).toBeLessThan(1);
    expect(classifyScore(NEUTRAL_BAND)).toBe('positive');
    expect(classifyScore(NEUTRAL_BAND - 1e-9)).toBe('neutral');
    expect(classifyScore(-NEUTRAL_BAND)).toBe('negative');
  });
});

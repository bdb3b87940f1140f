import { describe, expect, it } from 'vitest';
import { loadPhrasebank } from './datasets';
import { evaluateScorer, parseLabelledCsv } from './evaluation';

describe('parseLabelledCsv', () => {
  it('handles quoted fields with commas and doubled quotes', () => {
    const rows = parseLabelledCsv('text,label\n"Sales, up ""a lot""",positive\nplain,neutral\n');
    expect(rows).toEqual([
      { text: 'Sales, up "a lot"', label: 'positive' },
      { text: 'plain', label: 'neutral' },
    ]);
  });
});

describe('scorer on the Financial PhraseBank subset', () => {
  const evaluation = evaluateScorer(loadPhrasebank());

  it('reads the whole file and finds the documented majority baseline (neutral, 55.4%)', () => {
    expect(evaluation.scorer.n).toBe(3483);
    expect(evaluation.majorityBaseline.label).toBe('neutral');
    expect(evaluation.majorityBaseline.accuracy).toBeCloseTo(0.554, 3);
  });

  it('beats the majority baseline on accuracy and on macro-F1', () => {
    expect(evaluation.scorer.accuracy).toBeGreaterThan(evaluation.majorityBaseline.accuracy);
    expect(evaluation.scorer.macroF1).toBeGreaterThan(evaluation.majorityBaseline.macroF1);
  });
});

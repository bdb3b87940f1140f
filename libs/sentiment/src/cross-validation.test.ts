import { describe, expect, it } from 'vitest';
import { stratifiedFolds } from './cross-validation';

describe('stratifiedFolds', () => {
  const labels = [...Array(55).fill('neutral'), ...Array(26).fill('positive'), ...Array(19).fill('negative')];

  it('puts every row in one of k folds with sizes differing by at most one', () => {
    const folds = stratifiedFolds(labels, 10, 7);
    const sizes = Array.from({ length: 10 }, (_, f) => folds.filter((x) => x === f).length);
    expect(folds.every((f) => f >= 0 && f < 10)).toBe(true);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it('keeps each class ratio in every fold (within one row of the exact share)', () => {
    const folds = stratifiedFolds(labels, 10, 7);
    for (const label of ['neutral', 'positive', 'negative']) {
      const total = labels.filter((l) => l === label).length;
      for (let f = 0; f < 10; f++) {
        const inFold = labels.filter((l, i) => l === label && folds[i] === f).length;
        expect(Math.abs(inFold - total / 10)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('is a function of the seed', () => {
    expect(stratifiedFolds(labels, 5, 1)).toEqual(stratifiedFolds(labels, 5, 1));
    expect(stratifiedFolds(labels, 5, 1)).not.toEqual(stratifiedFolds(labels, 5, 2));
  });
});

import { describe, expect, it } from 'vitest';
import { classificationReport } from './metrics';

describe('classificationReport', () => {
  it('computes accuracy, per-class precision/recall/F1 and macro-F1 by hand', () => {
    const labels = ['a', 'b'] as const;
    // actual:    a a a b b
    // predicted: a a b b a  -> a: tp2 fp1 fn1; b: tp1 fp1 fn1
    const r = classificationReport(labels, ['a', 'a', 'a', 'b', 'b'], ['a', 'a', 'b', 'b', 'a']);
    expect(r.accuracy).toBeCloseTo(3 / 5);
    expect(r.perClass.a.precision).toBeCloseTo(2 / 3);
    expect(r.perClass.a.recall).toBeCloseTo(2 / 3);
    expect(r.perClass.b.precision).toBeCloseTo(1 / 2);
    expect(r.perClass.b.f1).toBeCloseTo(1 / 2);
    expect(r.macroF1).toBeCloseTo((2 / 3 + 1 / 2) / 2);
    expect(r.confusion.b.a).toBe(1);
  });

  it('gives 0 precision for a class never predicted', () => {
    const r = classificationReport(['x', 'y'] as const, ['x', 'y'], ['x', 'x']);
    expect(r.perClass.y.precision).toBe(0);
    expect(r.perClass.y.f1).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import {
  crossEntropyLogitGradient,
  meanCrossEntropy,
  type SparseExample,
  softmax,
  trainSoftmaxRegression,
} from './logistic';

describe('softmax and its cross-entropy gradient', () => {
  it('softmax([0, ln 2, ln 3]) = [1/6, 2/6, 3/6], and is unchanged by a shift of the logits', () => {
    const p = softmax([0, Math.log(2), Math.log(3)]);
    expect(p[0]).toBeCloseTo(1 / 6, 12);
    expect(p[1]).toBeCloseTo(2 / 6, 12);
    expect(p[2]).toBeCloseTo(3 / 6, 12);
    const shifted = softmax([1000, 1000 + Math.log(2), 1000 + Math.log(3)]);
    shifted.forEach((x, k) => {
      expect(x).toBeCloseTo(p[k] as number, 12);
    });
  });

  it('gradient of −log p(y) with respect to the logits is p − onehot(y)', () => {
    const g = crossEntropyLogitGradient([1 / 6, 2 / 6, 3 / 6], 2);
    expect(g[0]).toBeCloseTo(1 / 6, 12);
    expect(g[1]).toBeCloseTo(1 / 3, 12);
    expect(g[2]).toBeCloseTo(-1 / 2, 12);
  });

  it('one AdaGrad step from zero moves every weight by the learning rate against its gradient sign', () => {
    // One example, one feature of value 2, class 2. At zero weights p = 1/3 each, so the logit gradient is
    // [1/3, 1/3, −2/3] and the weight gradient [2/3, 2/3, −4/3]; AdaGrad's first step is lr·g/|g| = ±lr.
    const example: SparseExample = { indices: Int32Array.of(0), values: Float64Array.of(2), label: 2 };
    const model = trainSoftmaxRegression([example], {
      classes: 3,
      features: 1,
      epochs: 1,
      learningRate: 0.5,
      l2: 0,
      seed: 1,
    });
    expect([...model.weights].map((w) => Math.round(w * 1e6) / 1e6)).toEqual([-0.5, -0.5, 0.5]);
    expect([...model.bias].map((w) => Math.round(w * 1e6) / 1e6)).toEqual([-0.5, -0.5, 0.5]);
  });

  it('learns a separable toy problem: loss falls and every example is classified right', () => {
    const examples: SparseExample[] = [0, 1, 2].flatMap((label) =>
      [0, 1, 2, 3].map(() => ({ indices: Int32Array.of(label), values: Float64Array.of(1), label })),
    );
    const options = { classes: 3, features: 3, learningRate: 0.3, l2: 0, seed: 3 };
    const short = trainSoftmaxRegression(examples, { ...options, epochs: 1 });
    const long = trainSoftmaxRegression(examples, { ...options, epochs: 30 });
    expect(meanCrossEntropy(long, examples)).toBeLessThan(meanCrossEntropy(short, examples));
    expect(meanCrossEntropy(long, examples)).toBeLessThan(0.1);
  });
});

/**
 * Multinomial logistic regression (softmax regression) over sparse features, trained by stochastic gradient descent
 * with AdaGrad step sizes and L2 regularisation. Deterministic: examples are visited in an order drawn from a seeded
 * generator and every sum runs in a fixed order, so the same data and seed give the same weights bit for bit.
 */
import { mulberry32, shuffled } from './random';

/** Softmax of `logits` in place-safe form (the maximum is subtracted first so exp never overflows). */
export function softmax(logits: ArrayLike<number>): number[] {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < logits.length; k++) max = Math.max(max, logits[k] as number);
  const out = new Array<number>(logits.length);
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    const e = Math.exp((logits[k] as number) - max);
    out[k] = e;
    sum += e;
  }
  for (let k = 0; k < logits.length; k++) out[k] = (out[k] as number) / sum;
  return out;
}

/**
 * Gradient of the cross-entropy loss −log p(y) of one example with respect to its logits: p − onehot(y).
 * (The weight gradient is this times the feature value, the bias gradient is this.)
 */
export function crossEntropyLogitGradient(probabilities: readonly number[], label: number): number[] {
  return probabilities.map((p, k) => p - (k === label ? 1 : 0));
}

/** One training example: feature indices into the weight table (dense indices first), their values, its class. */
export interface SparseExample {
  readonly indices: Int32Array;
  readonly values: Float64Array;
  readonly label: number;
  /** Loss weight (default 1). */
  readonly weight?: number;
}

export interface SoftmaxTrainingOptions {
  readonly classes: number;
  readonly features: number;
  readonly epochs: number;
  readonly learningRate: number;
  /** L2 penalty per example on the weights it touches (not on the biases). */
  readonly l2: number;
  readonly seed: number;
}

export interface SoftmaxWeights {
  readonly classes: number;
  readonly features: number;
  /** weights[feature * classes + class] */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

/** Logits of one example under `model`. */
export function exampleLogits(model: SoftmaxWeights, indices: ArrayLike<number>, values: ArrayLike<number>) {
  const { classes, weights } = model;
  const logits = Float64Array.from(model.bias);
  for (let j = 0; j < indices.length; j++) {
    const base = (indices[j] as number) * classes;
    const v = values[j] as number;
    for (let k = 0; k < classes; k++) logits[k] = (logits[k] as number) + (weights[base + k] as number) * v;
  }
  return logits;
}

/** Mean cross-entropy of the examples (for tests and convergence checks). */
export function meanCrossEntropy(model: SoftmaxWeights, examples: readonly SparseExample[]): number {
  let loss = 0;
  for (const e of examples) {
    const p = softmax(exampleLogits(model, e.indices, e.values));
    loss -= Math.log(Math.max(p[e.label] as number, 1e-300));
  }
  return loss / examples.length;
}

/** AdaGrad SGD: each weight's step is learningRate / sqrt(sum of its squared gradients). */
export function trainSoftmaxRegression(
  examples: readonly SparseExample[],
  options: SoftmaxTrainingOptions,
): SoftmaxWeights {
  const { classes, features, epochs, learningRate, l2 } = options;
  const weights = new Float64Array(features * classes);
  const bias = new Float64Array(classes);
  const gradSq = new Float64Array(features * classes).fill(1e-8);
  const biasGradSq = new Float64Array(classes).fill(1e-8);
  const model: SoftmaxWeights = { classes, features, weights, bias };
  const random = mulberry32(options.seed);
  const order = examples.map((_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const i of shuffled(order, random)) {
      const e = examples[i] as SparseExample;
      const w = e.weight ?? 1;
      const p = softmax(exampleLogits(model, e.indices, e.values));
      const g = crossEntropyLogitGradient(p, e.label);
      for (let k = 0; k < classes; k++) {
        const gb = w * (g[k] as number);
        biasGradSq[k] = (biasGradSq[k] as number) + gb * gb;
        bias[k] = (bias[k] as number) - (learningRate * gb) / Math.sqrt(biasGradSq[k] as number);
      }
      for (let j = 0; j < e.indices.length; j++) {
        const base = (e.indices[j] as number) * classes;
        const v = e.values[j] as number;
        for (let k = 0; k < classes; k++) {
          const at = base + k;
          const gw = w * (g[k] as number) * v + l2 * (weights[at] as number);
          gradSq[at] = (gradSq[at] as number) + gw * gw;
          weights[at] = (weights[at] as number) - (learningRate * gw) / Math.sqrt(gradSq[at] as number);
        }
      }
    }
  }
  return model;
}

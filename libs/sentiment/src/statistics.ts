/** Uncertainty and calibration measures for the sentiment evaluation. */
import { classificationReport } from './metrics';
import { mulberry32 } from './random';

/** z for a two-sided 95% interval. */
export const Z_95 = 1.959963984540054;

/** Wilson score interval of a proportion (successes of n), 95% by default: better than ±z·sqrt(p(1−p)/n) near 0 or 1. */
export function wilsonInterval(successes: number, n: number, z = Z_95): readonly [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Percentile bootstrap 95% interval of macro-F1: rows resampled with replacement, fixed seed. */
export function bootstrapMacroF1<L extends string>(
  labels: readonly L[],
  actual: readonly L[],
  predicted: readonly L[],
  resamples = 1000,
  seed = 1,
): readonly [number, number] {
  const random = mulberry32(seed);
  const n = actual.length;
  const values: number[] = [];
  const a = new Array<L>(n);
  const p = new Array<L>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(random() * n);
      a[i] = actual[j] as L;
      p[i] = predicted[j] as L;
    }
    values.push(classificationReport(labels, a, p).macroF1);
  }
  values.sort((x, y) => x - y);
  return [quantile(values, 0.025), quantile(values, 0.975)];
}

function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (at - lo);
}

export interface ReliabilityBin {
  /** Confidence range [from, to) of the bin. */
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

export interface Calibration {
  /** Expected calibration error: Σ (bin share × |accuracy − mean confidence|) over the confidence bins. */
  readonly ece: number;
  /** Multi-class Brier score: mean Σ_k (p_k − 1[y = k])², 0 is perfect, 2 the worst. */
  readonly brier: number;
  readonly bins: readonly ReliabilityBin[];
}

/**
 * Calibration of predicted probabilities: `probabilities[i][k]` for row i and class k, `actual[i]` the true class.
 * The confidence is the top class's probability; bins are equal-width over [0, 1].
 */
export function calibration(
  probabilities: readonly (readonly number[])[],
  actual: readonly number[],
  binCount = 10,
): Calibration {
  const count = new Array<number>(binCount).fill(0);
  const confidenceSum = new Array<number>(binCount).fill(0);
  const correct = new Array<number>(binCount).fill(0);
  let brier = 0;
  probabilities.forEach((p, i) => {
    let best = 0;
    for (let k = 1; k < p.length; k++) if ((p[k] as number) > (p[best] as number)) best = k;
    const confidence = p[best] as number;
    const bin = Math.min(binCount - 1, Math.floor(confidence * binCount));
    count[bin] = (count[bin] as number) + 1;
    confidenceSum[bin] = (confidenceSum[bin] as number) + confidence;
    if (best === actual[i]) correct[bin] = (correct[bin] as number) + 1;
    for (let k = 0; k < p.length; k++) brier += ((p[k] as number) - (k === actual[i] ? 1 : 0)) ** 2;
  });
  const n = probabilities.length;
  let ece = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < binCount; b++) {
    const c = count[b] as number;
    if (c === 0) continue;
    const meanConfidence = (confidenceSum[b] as number) / c;
    const accuracy = (correct[b] as number) / c;
    ece += (c / n) * Math.abs(accuracy - meanConfidence);
    bins.push({ from: b / binCount, to: (b + 1) / binCount, count: c, meanConfidence, accuracy });
  }
  return { ece, brier: n === 0 ? 0 : brier / n, bins };
}

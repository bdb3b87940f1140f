/** Small statistics used by the risk manager and the sentiment agent's market mood. */

export const TRADING_DAYS_PER_YEAR = 252;

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s / xs.length;
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function sampleStdev(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return 0;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] as number) - m;
    ss += d * d;
  }
  return Math.sqrt(ss / (n - 1));
}

export function median(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  // Typed-array sort is numeric and much faster than a comparator; the constructor copies without an iterator.
  const sorted = new Float64Array(xs).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Pearson correlation of two equal-length series; 0 when either has no variance. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** One-sided standard normal quantiles for the VaR levels used here (z such that P(Z < -z) = 1 − level). */
export const NORMAL_Z: Readonly<Record<number, number>> = {
  0.95: 1.6448536269514722,
  0.99: 2.3263478740408408,
};

/** Small statistics used by the risk manager and the sentiment agent's market mood. */

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s / xs.length;
}

/** The last `n` values of `xs` (all when it has fewer): a view of a typed array, a copy of the rest. */
export function lastValues(xs: ArrayLike<number>, n: number): ArrayLike<number> {
  const from = Math.max(0, xs.length - n);
  if (from === 0) return xs;
  return xs instanceof Float64Array ? xs.subarray(from) : (Array.prototype.slice.call(xs, from) as number[]);
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
  const values = new Float64Array(xs); // copies without an iterator
  const mid = values.length >> 1;
  // Quickselect puts the order statistics in place in O(n); the values are those a sort would give. Zeros and NaN
  // take the sort (it orders −0 before +0 and NaN last), so even those come out bit-identical.
  const upper = selectInPlace(values, mid);
  const lower = values.length % 2 === 1 ? upper : maxOf(values, mid);
  if (Number.isNaN(upper) || Number.isNaN(lower) || upper === 0 || lower === 0) {
    values.sort();
    return values.length % 2 === 1
      ? (values[mid] as number)
      : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
  }
  return values.length % 2 === 1 ? upper : (lower + upper) / 2;
}

/** Hoare quickselect (median-of-three pivot): afterwards values[k] is the k-th smallest, smaller ones before it. */
function selectInPlace(values: Float64Array, k: number): number {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i] as number)) return Number.NaN;
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    const a = values[lo] as number;
    const b = values[mid] as number;
    const c = values[hi] as number;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of three
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k] as number;
}

/** Largest of values[0..end). */
function maxOf(values: Float64Array, end: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < end; i++) if ((values[i] as number) > m) m = values[i] as number;
  return m;
}

/** Pearson correlation of two equal-length series; 0 when either has no variance. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return pearsonCorrelation(a, b) ?? 0;
}

/** Pearson correlation of two equal-length series; null with fewer than 2 pairs or when either has no variance. */
export function pearsonCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = Math.min(a.length, b.length);
  if (n < 2) return null;
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
  return saa === 0 || sbb === 0 ? null : sab / Math.sqrt(saa * sbb);
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

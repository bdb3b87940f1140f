import { correlation, mean, NORMAL_Z, normalPdf, sampleStdev } from '../stats';

/** One-day Value at Risk and Conditional VaR (expected shortfall), as positive fractions of equity. */
export interface TailRisk {
  readonly valueAtRisk: number;
  readonly conditionalValueAtRisk: number;
}

/** Float-safe tail size: ceil(n × (1 − level)) without 20 × 0.05 turning into 1.0000000000000009. */
function tailCount(n: number, level: number): number {
  return Math.max(1, Math.ceil(n * (1 - level) - 1e-9));
}

/**
 * Historical simulation: with k = ceil(n(1 − level)) the tail is the k worst returns; VaR = −(k-th worst return),
 * CVaR = −mean(k worst). No interpolation. Floored at 0 (a tail of gains is no loss).
 */
export function historicalTailRisk(returns: ArrayLike<number>, level: number): TailRisk {
  return historicalTailRisks(returns, [level])[0] as TailRisk;
}

/**
 * historicalTailRisk at several levels from one pass: only the k worst returns of the widest tail are kept (in
 * ascending order, by insertion), which gives exactly the values of a full sort at O(n) for small tails.
 */
export function historicalTailRisks(returns: ArrayLike<number>, levels: readonly number[]): TailRisk[] {
  const n = returns.length;
  if (n === 0) return levels.map(() => ({ valueAtRisk: 0, conditionalValueAtRisk: 0 }));
  let widest = 0;
  for (const level of levels) widest = Math.max(widest, tailCount(n, level));
  const worst = smallestAscending(returns, widest);
  return levels.map((level) => {
    const k = tailCount(n, level);
    let tailSum = 0;
    for (let i = 0; i < k; i++) tailSum += worst[i] as number;
    return {
      valueAtRisk: Math.max(0, -(worst[k - 1] as number)),
      conditionalValueAtRisk: Math.max(0, -tailSum / k),
    };
  });
}

/**
 * The k smallest values in ascending order: what the first k entries of a numeric sort would be. With a NaN present
 * it falls back to that sort (which puts NaN last), so the answer is the same in every case.
 */
function smallestAscending(values: ArrayLike<number>, k: number): Float64Array {
  const n = values.length;
  if (k * 8 >= n) return Float64Array.from(values).sort().subarray(0, k);
  const out = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i] as number;
    if (Number.isNaN(x)) return Float64Array.from(values).sort().subarray(0, k);
    if (size === k) {
      if (!(x < (out[k - 1] as number))) continue;
      size--;
    }
    let j = size++;
    while (j > 0 && (out[j - 1] as number) > x) {
      out[j] = out[j - 1] as number;
      j--;
    }
    out[j] = x;
  }
  return out;
}

/**
 * Parametric (normal) one-day VaR = −(μ − zσ) and CVaR = σ·φ(z)/(1 − level) − μ, with μ the mean and σ the sample
 * standard deviation of the daily returns. Floored at 0.
 */
export function parametricTailRisk(returns: ArrayLike<number>, level: number): TailRisk {
  return parametricTailRisks(returns, [level])[0] as TailRisk;
}

/** parametricTailRisk at several levels, estimating μ and σ once. */
export function parametricTailRisks(returns: ArrayLike<number>, levels: readonly number[]): TailRisk[] {
  const zs = levels.map((level) => {
    const z = NORMAL_Z[level];
    if (z === undefined) throw new RangeError(`no normal quantile tabulated for level ${level}`);
    return z;
  });
  if (returns.length < 2) return levels.map(() => ({ valueAtRisk: 0, conditionalValueAtRisk: 0 }));
  const mu = mean(returns);
  const sigma = sampleStdev(returns);
  return levels.map((level, i) => {
    const z = zs[i] as number;
    return {
      valueAtRisk: Math.max(0, -(mu - z * sigma)),
      conditionalValueAtRisk: Math.max(0, (sigma * normalPdf(z)) / (1 - level) - mu),
    };
  });
}

/** Drawdown of the last equity value from the running peak (0 at a new high). */
export function currentDrawdown(equity: readonly number[]): number {
  let peak = Number.NEGATIVE_INFINITY;
  for (const e of equity) if (e > peak) peak = e;
  const last = equity[equity.length - 1];
  if (last === undefined || !(peak > 0)) return 0;
  return Math.min(1, Math.max(0, 1 - last / peak));
}

/** currentDrawdown([...history, latest]) without copying the history. */
export function currentDrawdownAfter(history: readonly number[], latest: number): number {
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < history.length; i++) if ((history[i] as number) > peak) peak = history[i] as number;
  if (latest > peak) peak = latest;
  if (!(peak > 0)) return 0;
  return Math.min(1, Math.max(0, 1 - latest / peak));
}

/** Largest peak-to-trough fall over the whole equity series. */
export function maxDrawdown(equity: readonly number[]): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (const e of equity) {
    if (e > peak) peak = e;
    if (peak > 0) worst = Math.max(worst, 1 - e / peak);
  }
  return Math.min(1, worst);
}

/** Pearson correlations of the last `window` returns of each pair (symmetric, 1 on the diagonal). */
export function correlationMatrix(returns: readonly ArrayLike<number>[], window: number): number[][] {
  const n = returns.length;
  const m: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const tailLength = (r: ArrayLike<number>) => r.length - Math.max(0, r.length - window);
  const length = returns[0] === undefined ? 0 : tailLength(returns[0]);
  if (length >= 2 && returns.every((r) => tailLength(r) === length)) {
    fillFromDeviations(m, returns, length);
    return m;
  }
  const tails = returns.map((r) => Array.prototype.slice.call(r, Math.max(0, r.length - window)) as number[]);
  for (let i = 0; i < n; i++) {
    (m[i] as number[])[i] = 1;
    for (let j = i + 1; j < n; j++) {
      const c = correlation(tails[i] as ArrayLike<number>, tails[j] as ArrayLike<number>);
      (m[i] as number[])[j] = c;
      (m[j] as number[])[i] = c;
    }
  }
  return m;
}

/**
 * Equal-length tails (the last `length` values of each series, read in place): each series' deviations from its mean
 * and their sum of squares are computed once instead of once per pair. Same operations in the same order as
 * `correlation`, so the same bits. Plain arrays: a Float64Array per series per cycle cost more to allocate and
 * collect than the arithmetic.
 */
function fillFromDeviations(m: number[][], series: readonly ArrayLike<number>[], length: number): void {
  const n = series.length;
  const deviations = series.map((t) => {
    const start = t.length - length;
    let mean = 0;
    for (let i = 0; i < length; i++) mean += t[start + i] as number;
    mean /= length;
    const d: number[] = new Array(length);
    for (let i = 0; i < length; i++) d[i] = (t[start + i] as number) - mean;
    return d;
  });
  const squares = deviations.map((d) => {
    let s = 0;
    for (let i = 0; i < length; i++) s += (d[i] as number) * (d[i] as number);
    return s;
  });
  for (let i = 0; i < n; i++) {
    const row = m[i] as number[];
    row[i] = 1;
    const a = deviations[i] as number[];
    const saa = squares[i] as number;
    for (let j = i + 1; j < n; j++) {
      const b = deviations[j] as number[];
      const sbb = squares[j] as number;
      let sab = 0;
      for (let t = 0; t < length; t++) sab += (a[t] as number) * (b[t] as number);
      const c = saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
      row[j] = c;
      (m[j] as number[])[i] = c;
    }
  }
}

/**
 * Groups of indices linked by |ρ| > threshold (connected components: A~B and B~C put A, B, C in one cluster).
 * Only groups of two or more are returned, each sorted, in order of their first member.
 */
export function correlatedClusters(matrix: readonly (readonly number[])[], threshold: number): number[][] {
  const n = matrix.length;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (Math.abs((matrix[i] as readonly number[])[j] as number) > threshold) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(i);
    else groups.set(root, [i]);
  }
  return [...groups.values()].filter((g) => g.length > 1).sort((a, b) => (a[0] as number) - (b[0] as number));
}

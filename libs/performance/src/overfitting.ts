import { PerformanceInputError } from './errors';
import { normalCdf, normalQuantile } from './normal';

/**
 * Is a backtest's Sharpe luck or selection? The deflated Sharpe ratio (Bailey & López de Prado, 2014) and the
 * probability of backtest overfitting by combinatorially symmetric cross-validation (Bailey, Borwein, López de
 * Prado & Zhu, 2015). All Sharpe ratios here are per period (daily), not annualised, as in the papers' formulas.
 */

/** γ of the expected maximum of N standard normals (Euler–Mascheroni constant). */
export const EULER_MASCHERONI = 0.5772156649015329;

/** The paper's suggested number of CSCV blocks; fewer when the sample is short (see cscvPartitions). */
export const DEFAULT_CSCV_PARTITIONS = 16;
/** Each CSCV block needs at least this many rows, so a Sharpe ratio can be computed on half of the blocks. */
const MIN_ROWS_PER_PARTITION = 2;

/** Mean, sample stdev, per-period Sharpe, skewness and (non-excess) kurtosis of a return series. */
export interface ReturnMoments {
  readonly observations: number;
  readonly mean: number;
  /** Sample standard deviation (divisor n − 1), as sharpeRatio uses. */
  readonly stdev: number;
  /** mean / stdev (0 when stdev is 0). */
  readonly sharpe: number;
  /** m3 / m2^1.5 with central moments m_k = Σ(r − mean)^k / n. 0 when m2 = 0. */
  readonly skewness: number;
  /** m4 / m2² (3 for a normal distribution). 3 when m2 = 0. */
  readonly kurtosis: number;
}

export function returnMoments(returns: readonly number[]): ReturnMoments {
  const n = returns.length;
  if (n < 2) throw new PerformanceInputError(`moments need at least 2 returns (got ${n})`);
  let sum = 0;
  for (const r of returns) sum += r;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const r of returns) {
    const d = r - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const stdev = Math.sqrt(m2 / (n - 1));
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return {
    observations: n,
    mean,
    stdev,
    sharpe: stdev > 0 ? mean / stdev : 0,
    skewness: m2 > 0 ? m3 / m2 ** 1.5 : 0,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : 3,
  };
}

export interface SharpeEstimate {
  /** Per-period Sharpe ratio SR̂. */
  readonly sharpe: number;
  /** T: returns behind the estimate. */
  readonly observations: number;
  readonly skewness: number;
  /** Non-excess kurtosis γ4 (3 = normal). */
  readonly kurtosis: number;
}

/**
 * PSR(SR*) = Φ( (SR̂ − SR*)·√(T − 1) / √(1 − γ3·SR̂ + (γ4 − 1)/4·SR̂²) ): the probability that the true Sharpe
 * exceeds SR* given the estimate's length, skewness and kurtosis (Bailey & López de Prado, 2012).
 */
export function probabilisticSharpeRatio(estimate: SharpeEstimate, benchmarkSharpe: number): number {
  const { sharpe, observations, skewness, kurtosis } = estimate;
  if (observations < 2) throw new PerformanceInputError('PSR needs at least 2 observations');
  const variance = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(variance > 0)) throw new PerformanceInputError(`PSR: non-positive variance term ${variance}`);
  return normalCdf(((sharpe - benchmarkSharpe) * Math.sqrt(observations - 1)) / Math.sqrt(variance));
}

/**
 * E[max SR] of N independent trials whose Sharpe ratios have variance V, under the null of no skill:
 * SR0 = √V·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))). One trial (or V = 0) selects nothing: 0.
 */
export function expectedMaxSharpe(trials: number, sharpeVariance: number): number {
  if (!(trials >= 1) || !Number.isInteger(trials))
    throw new PerformanceInputError(`trials must be a positive integer (got ${trials})`);
  if (!(sharpeVariance >= 0))
    throw new PerformanceInputError(`Sharpe variance must be >= 0 (got ${sharpeVariance})`);
  if (trials === 1 || sharpeVariance === 0) return 0;
  return (
    Math.sqrt(sharpeVariance) *
    ((1 - EULER_MASCHERONI) * normalQuantile(1 - 1 / trials) +
      EULER_MASCHERONI * normalQuantile(1 - 1 / (trials * Math.E)))
  );
}

export interface DeflatedSharpe {
  /** DSR = PSR(SR0): probability that the selected strategy's true Sharpe is above what luck alone gives. */
  readonly deflatedSharpe: number;
  /** SR0, the expected maximum per-period Sharpe of the trials under no skill. */
  readonly expectedMaxSharpe: number;
  /** PSR(0), for comparison: the same test without deflation for the number of trials. */
  readonly probabilisticSharpe: number;
  readonly trials: number;
  readonly sharpeVariance: number;
}

/** DSR of a selected estimate given N trials and the variance of the trials' per-period Sharpe ratios. */
export function deflatedSharpeRatio(
  estimate: SharpeEstimate,
  trials: number,
  sharpeVariance: number,
): DeflatedSharpe {
  const sr0 = expectedMaxSharpe(trials, sharpeVariance);
  return {
    deflatedSharpe: probabilisticSharpeRatio(estimate, sr0),
    expectedMaxSharpe: sr0,
    probabilisticSharpe: probabilisticSharpeRatio(estimate, 0),
    trials,
    sharpeVariance,
  };
}

export interface TrialsDeflatedSharpe extends DeflatedSharpe {
  /** Index of the trial with the highest Sharpe (the one a researcher would pick). */
  readonly best: number;
  readonly bestMoments: ReturnMoments;
}

/**
 * DSR of the best of N trials, each a return series of the same dates (columns of `returns`, T rows × N). V is the
 * sample variance (n − 1) of the N per-period Sharpe ratios.
 */
export function deflatedSharpeOfTrials(returns: readonly (readonly number[])[]): TrialsDeflatedSharpe {
  const columns = columnsOf(returns);
  const moments = columns.map(returnMoments);
  const sharpes = moments.map((m) => m.sharpe);
  let best = 0;
  for (let i = 1; i < sharpes.length; i++) if ((sharpes[i] as number) > (sharpes[best] as number)) best = i;
  const bestMoments = moments[best] as ReturnMoments;
  const deflated = deflatedSharpeRatio(bestMoments, columns.length, sampleVariance(sharpes));
  return { ...deflated, best, bestMoments };
}

export interface BacktestOverfitting {
  /** φ = share of the CSCV splits where the in-sample best trial ranks at or below the out-of-sample median. */
  readonly pbo: number;
  /** λ_c = ln(ω̄_c / (1 − ω̄_c)) of every split, in combination order. */
  readonly logits: readonly number[];
  /** S: blocks the rows were cut into. */
  readonly partitions: number;
  /** C(S, S/2) splits evaluated. */
  readonly combinations: number;
  /** Rows used: T minus the T mod S oldest rows dropped so every block has the same length. */
  readonly rowsUsed: number;
  readonly trials: number;
}

/**
 * Probability of backtest overfitting by CSCV. `returns` is the T × N matrix of the N trials' returns on the same
 * T dates. The rows are cut into S equal blocks (the T mod S oldest rows dropped); for each of the C(S, S/2) ways
 * to pick half of the blocks as in-sample J (the rest, J̄, out-of-sample), the trial n* with the best in-sample
 * Sharpe is found, ω̄ = (its out-of-sample rank among the N, 1 = worst, ties averaged) / (N + 1), and
 * λ = ln(ω̄ / (1 − ω̄)). PBO = #{λ ≤ 0} / C(S, S/2). Ties for n* go to the lowest index.
 */
export function probabilityOfBacktestOverfitting(
  returns: readonly (readonly number[])[],
  partitions: number = DEFAULT_CSCV_PARTITIONS,
): BacktestOverfitting {
  const columns = columnsOf(returns);
  const trials = columns.length;
  if (trials < 2) throw new PerformanceInputError('PBO needs at least 2 trials');
  if (!(partitions >= 2) || partitions % 2 !== 0)
    throw new PerformanceInputError(`CSCV needs an even number of partitions >= 2 (got ${partitions})`);
  const rowCount = (columns[0] as number[]).length;
  const blockLength = Math.floor(rowCount / partitions);
  if (blockLength < MIN_ROWS_PER_PARTITION)
    throw new PerformanceInputError(
      `CSCV with ${partitions} partitions needs at least ${partitions * MIN_ROWS_PER_PARTITION} rows (got ${rowCount})`,
    );
  const offset = rowCount - blockLength * partitions;
  // Per block and trial: Σr and Σr², so each split's Sharpe ratios come from S/2 block sums.
  const sums: number[][] = [];
  const squares: number[][] = [];
  for (let s = 0; s < partitions; s++) {
    const blockSums: number[] = [];
    const blockSquares: number[] = [];
    for (const column of columns) {
      let a = 0;
      let b = 0;
      for (let t = offset + s * blockLength; t < offset + (s + 1) * blockLength; t++) {
        const r = column[t] as number;
        a += r;
        b += r * r;
      }
      blockSums.push(a);
      blockSquares.push(b);
    }
    sums.push(blockSums);
    squares.push(blockSquares);
  }
  const half = partitions / 2;
  const rowsPerHalf = half * blockLength;
  const logits: number[] = [];
  for (const inSample of combinations(partitions, half)) {
    const chosen = new Set(inSample);
    const outSample = [...Array(partitions).keys()].filter((s) => !chosen.has(s));
    const isSharpe = sharpeOfBlocks(sums, squares, inSample, trials, rowsPerHalf);
    const oosSharpe = sharpeOfBlocks(sums, squares, outSample, trials, rowsPerHalf);
    let best = 0;
    for (let n = 1; n < trials; n++) if ((isSharpe[n] as number) > (isSharpe[best] as number)) best = n;
    const omega = averageRank(oosSharpe, best) / (trials + 1);
    logits.push(Math.log(omega / (1 - omega)));
  }
  return {
    pbo: logits.filter((l) => l <= 0).length / logits.length,
    logits,
    partitions,
    combinations: logits.length,
    rowsUsed: blockLength * partitions,
    trials,
  };
}

/** The largest even S ≤ `preferred` that leaves every block MIN_ROWS_PER_PARTITION rows; 0 when none does. */
export function cscvPartitions(rows: number, preferred: number = DEFAULT_CSCV_PARTITIONS): number {
  for (let s = preferred - (preferred % 2); s >= 2; s -= 2) if (rows >= s * MIN_ROWS_PER_PARTITION) return s;
  return 0;
}

function sharpeOfBlocks(
  sums: readonly (readonly number[])[],
  squares: readonly (readonly number[])[],
  blocks: readonly number[],
  trials: number,
  rows: number,
): number[] {
  const out: number[] = [];
  for (let n = 0; n < trials; n++) {
    let a = 0;
    let b = 0;
    for (const s of blocks) {
      a += (sums[s] as number[])[n] as number;
      b += (squares[s] as number[])[n] as number;
    }
    const mean = a / rows;
    const variance = Math.max(0, (b - rows * mean * mean) / (rows - 1));
    out.push(variance > 0 ? mean / Math.sqrt(variance) : 0);
  }
  return out;
}

/** 1-based rank of values[index] in ascending order, ties given their average rank. */
function averageRank(values: readonly number[], index: number): number {
  const x = values[index] as number;
  let below = 0;
  let equal = 0;
  for (const v of values) {
    if (v < x) below++;
    else if (v === x) equal++;
  }
  return below + (equal + 1) / 2;
}

/** Every k-subset of 0..n−1 in lexicographic order. */
function* combinations(n: number, k: number): Generator<number[]> {
  const pick = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    yield [...pick];
    let i = k - 1;
    while (i >= 0 && (pick[i] as number) === n - k + i) i--;
    if (i < 0) return;
    pick[i] = (pick[i] as number) + 1;
    for (let j = i + 1; j < k; j++) pick[j] = (pick[j - 1] as number) + 1;
  }
}

/** T × N rows → N columns; every row must have N finite values. */
function columnsOf(returns: readonly (readonly number[])[]): number[][] {
  const width = returns[0]?.length ?? 0;
  if (returns.length < 2 || width < 1)
    throw new PerformanceInputError('need a T × N return matrix with T >= 2 and N >= 1');
  const columns: number[][] = Array.from({ length: width }, () => []);
  for (const row of returns) {
    if (row.length !== width) throw new PerformanceInputError('return matrix rows differ in length');
    row.forEach((r, n) => {
      if (!Number.isFinite(r)) throw new PerformanceInputError(`non-finite return ${r}`);
      (columns[n] as number[]).push(r);
    });
  }
  return columns;
}

function sampleVariance(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1);
}

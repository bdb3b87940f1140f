import { pearsonCorrelation } from '../stats';

/**
 * Spearman rank correlation: the Pearson correlation of the ranks, ties given their average rank. The one
 * definition: @ats/performance's information coefficient (docs/metrics.md) calls it too. Null with fewer than 3
 * pairs, with unequal lengths, or when either side is constant.
 */
export function rankCorrelation(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length || x.length < 3) return null;
  // The ranks' mean, n(n+1)/2 / n, is exact in doubles, so this is bit-identical to centring on (n+1)/2.
  return pearsonCorrelation(averageRanks(x), averageRanks(y));
}

/** 1-based ranks in ascending order; tied values share the average of their ranks. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (
      end + 1 < order.length &&
      (order[end + 1] as readonly [number, number])[0] === (order[start] as readonly [number, number])[0]
    )
      end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[(order[k] as readonly [number, number])[1]] = rank;
    start = end + 1;
  }
  return ranks;
}

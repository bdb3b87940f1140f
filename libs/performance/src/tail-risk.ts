import type { DatedValue } from './types';

export interface TailRisk {
  /** Historical one-day Value at Risk, as a positive loss fraction (0.03 = a 3% loss). */
  readonly valueAtRisk: number;
  /** Historical one-day Conditional VaR (expected shortfall): mean loss over the same worst days. */
  readonly conditionalValueAtRisk: number;
}

/**
 * Historical VaR and CVaR by the nearest-rank method: sort the n daily returns ascending, take the k = ⌈n × p⌉
 * worst (p = 0.05 for 95%, 0.01 for 99%, k ≥ 1). VaR = −(k-th worst return); CVaR = −mean(k worst returns).
 * Both are losses stated as positive numbers (negative only if even the tail days gained). Null when n = 0.
 */
export function historicalTailRisk(returns: readonly number[], tailProbability: number): TailRisk | null {
  if (returns.length === 0) return null;
  const sorted = [...returns].sort((a, b) => a - b);
  // Round n·p before ceil so that 0.05 × 20 = 1.0000000000000002 does not become 2.
  const k = Math.max(1, Math.ceil(Math.round(returns.length * tailProbability * 1e9) / 1e9));
  const tail = sorted.slice(0, k);
  const tailMean = tail.reduce((sum, r) => sum + r, 0) / k;
  return { valueAtRisk: -tail[k - 1]!, conditionalValueAtRisk: -tailMean };
}

/** Best and worst single daily return with its date; null when there are no returns. */
export function extremeDays(returns: readonly DatedValue[]): { best: DatedValue; worst: DatedValue } | null {
  if (returns.length === 0) return null;
  let best = returns[0]!;
  let worst = returns[0]!;
  for (const r of returns) {
    if (r.value > best.value) best = r;
    if (r.value < worst.value) worst = r;
  }
  return { best, worst };
}

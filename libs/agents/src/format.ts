/** Number formatting for reasoning texts: fixed decimals so the same inputs give byte-identical text. */

export function num(x: number | null | undefined, decimals = 2): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(decimals);
}

export function signed(x: number, decimals = 2): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(decimals)}`;
}

export function pct(x: number | null | undefined, decimals = 1): string {
  return x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(decimals)}%`;
}

/** 10 ** d for the usual decimals (the same doubles; computing the power each call showed in profiles). */
const POWERS_OF_TEN: readonly number[] = Array.from({ length: 10 }, (_, d) => 10 ** d);

/** Round for supportingData so JSON stays compact and stable. */
export function round(x: number | null | undefined, decimals = 4): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = POWERS_OF_TEN[decimals] ?? 10 ** decimals;
  return Math.round(x * f) / f;
}

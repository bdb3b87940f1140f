/**
 * The standard normal distribution to double precision, for the overfitting statistics (PSR, DSR): hand-checked
 * values must match to 1e-9, which the usual 7-digit approximations do not.
 */

const SQRT_2PI = Math.sqrt(2 * Math.PI);
/** Beyond ±this the CDF is 0 or 1 to double precision (Φ(-38) underflows; the series is exact well before). */
const TAIL_CUTOFF = 37;
const CONTINUED_FRACTION_FROM = 3;
const CONTINUED_FRACTION_TERMS = 100;

export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/**
 * Φ(x). Marsaglia's series (J. Stat. Software 11(4), 2004): Φ(x) = ½ + φ(x)·(x + x³/3 + x⁵/(3·5) + …), all terms of
 * one sign, so the sum has no cancellation; absolute error ~1e-15. For |x| > 3 the tail comes from Laplace's
 * continued fraction instead, which keeps small tail probabilities to ~1e-15 relative (the series' absolute error
 * would be large relative to Φ(−6) = 1e-9).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= -TAIL_CUTOFF) return 0;
  if (x >= TAIL_CUTOFF) return 1;
  if (Math.abs(x) > CONTINUED_FRACTION_FROM) {
    const tail = upperTail(Math.abs(x));
    return x > 0 ? 1 - tail : tail;
  }
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let i = 3; sum + term !== sum; i += 2) {
    term = (term * x2) / i;
    sum += term;
  }
  return 0.5 + sum * normalPdf(x);
}

/** 1 − Φ(x) for x > 3 by Laplace's continued fraction (100 terms: ~1e-15 relative from x = 2 up). */
function upperTail(x: number): number {
  let fraction = 0;
  for (let k = CONTINUED_FRACTION_TERMS; k >= 1; k--) fraction = k / (x + fraction);
  return normalPdf(x) / (x + fraction);
}

// Acklam's rational approximation of Φ⁻¹ (relative error 1.15e-9), refined below by one Halley step.
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Φ⁻¹(p) for 0 < p < 1 (±Infinity at 0 and 1): Acklam's approximation plus one Halley step on normalCdf. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const [a0, a1, a2, a3, a4, a5] = A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = D as [number, number, number, number];
  let x: number;
  if (p < P_LOW || p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p < P_LOW ? p : 1 - p));
    const v =
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
    x = p < P_LOW ? v : -v;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
      (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  }
  // Halley: the error of Φ(x) − p divided by φ(x), with the curvature term.
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + (x * u) / 2);
}

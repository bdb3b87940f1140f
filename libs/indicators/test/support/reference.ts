/**
 * Straightforward implementations from the published definitions, written independently of src/ (no shared code,
 * whole-window recomputation, no streaming state) to check the library against.
 */
import type { OhlcvBar } from '../../src/bar';

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function refSma(values: readonly number[], n: number): number[] {
  return values.map((_, i) => (i < n - 1 ? Number.NaN : mean(values.slice(i - n + 1, i + 1))));
}

/** EMA with alpha 2/(n+1), first value = SMA of the first n inputs (TA-Lib). */
export function refEma(values: readonly number[], n: number): number[] {
  const alpha = 2 / (n + 1);
  const out: number[] = [];
  let previous = Number.NaN;
  values.forEach((v, i) => {
    if (i < n - 1) out.push(Number.NaN);
    else if (i === n - 1) {
      previous = mean(values.slice(0, n));
      out.push(previous);
    } else {
      previous = alpha * v + (1 - alpha) * previous;
      out.push(previous);
    }
  });
  return out;
}

export function refMacd(closes: readonly number[], fast = 12, slow = 26, signal = 9) {
  const fastEma = refEma(closes, fast);
  const slowEma = refEma(closes, slow);
  const line = closes.map((_, i) => (fastEma[i] as number) - (slowEma[i] as number));
  const lineDefined = line.slice(slow - 1);
  const signalTail = refEma(lineDefined, signal);
  const signalLine = [...new Array(Math.min(slow - 1, closes.length)).fill(Number.NaN), ...signalTail];
  const macd = line.map((v, i) => (Number.isNaN(signalLine[i] as number) ? Number.NaN : v));
  return { macd, signal: signalLine, histogram: macd.map((v, i) => v - (signalLine[i] as number)) };
}

/**
 * MACD seeded as TA-Lib's TA_MACD: both EMAs start at bar slow−1, so the fast EMA is seeded with the SMA of the fast
 * period bars ending there (bars 14–25 for 12/26), not the first ones; the signal EMA is seeded on the line's first
 * `signal` values. Same columns and warm-up as refMacd.
 */
export function refMacdTaLibSeed(closes: readonly number[], fast = 12, slow = 26, signal = 9) {
  const emaSeededAt = (values: readonly number[], n: number, seedEnd: number) => {
    const alpha = 2 / (n + 1);
    const out = values.map(() => Number.NaN);
    if (seedEnd >= values.length) return out;
    let previous = mean(values.slice(seedEnd - n + 1, seedEnd + 1));
    out[seedEnd] = previous;
    for (let i = seedEnd + 1; i < values.length; i++) {
      previous = alpha * (values[i] as number) + (1 - alpha) * previous;
      out[i] = previous;
    }
    return out;
  };
  const fastEma = emaSeededAt(closes, fast, slow - 1);
  const slowEma = emaSeededAt(closes, slow, slow - 1);
  const line = closes.map((_, i) => (fastEma[i] as number) - (slowEma[i] as number));
  const signalLine = emaSeededAt(line, signal, slow + signal - 2);
  const macd = line.map((v, i) => (Number.isNaN(signalLine[i] as number) ? Number.NaN : v));
  return { macd, signal: signalLine, histogram: macd.map((v, i) => v - (signalLine[i] as number)) };
}

/** Wilder RSI: first averages = plain mean of the first n gains/losses, then avg = (avg·(n−1) + x)/n. */
export function refRsi(closes: readonly number[], n = 14): number[] {
  const out = closes.map(() => Number.NaN);
  if (closes.length <= n) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= n; i++) {
    const change = (closes[i] as number) - (closes[i - 1] as number);
    gain += Math.max(change, 0);
    loss += Math.max(-change, 0);
  }
  gain /= n;
  loss /= n;
  const rsi = () => (loss === 0 ? 100 : 100 - 100 / (1 + gain / loss));
  out[n] = rsi();
  for (let i = n + 1; i < closes.length; i++) {
    const change = (closes[i] as number) - (closes[i - 1] as number);
    gain = (gain * (n - 1) + Math.max(change, 0)) / n;
    loss = (loss * (n - 1) + Math.max(-change, 0)) / n;
    out[i] = rsi();
  }
  return out;
}

function highestHigh(bars: readonly OhlcvBar[], end: number, n: number) {
  return Math.max(...bars.slice(end - n + 1, end + 1).map((b) => b.high));
}
function lowestLow(bars: readonly OhlcvBar[], end: number, n: number) {
  return Math.min(...bars.slice(end - n + 1, end + 1).map((b) => b.low));
}

export function refStochastic(bars: readonly OhlcvBar[], kPeriod = 14, dPeriod = 3) {
  const k = bars.map((bar, i) => {
    if (i < kPeriod - 1) return Number.NaN;
    const hh = highestHigh(bars, i, kPeriod);
    const ll = lowestLow(bars, i, kPeriod);
    return hh === ll ? 0 : (100 * (bar.close - ll)) / (hh - ll);
  });
  const d = refSma(k.slice(kPeriod - 1), dPeriod);
  const dAligned = [...new Array(Math.min(kPeriod - 1, bars.length)).fill(Number.NaN), ...d];
  return { k: k.map((v, i) => (Number.isNaN(dAligned[i] as number) ? Number.NaN : v)), d: dAligned };
}

export function refWilliamsR(bars: readonly OhlcvBar[], n = 14): number[] {
  return bars.map((bar, i) => {
    if (i < n - 1) return Number.NaN;
    const hh = highestHigh(bars, i, n);
    const ll = lowestLow(bars, i, n);
    return hh === ll ? -100 : (-100 * (hh - bar.close)) / (hh - ll);
  });
}

export function refBollinger(closes: readonly number[], n = 20, k = 2) {
  const middle = refSma(closes, n);
  const sd = closes.map((_, i) => {
    if (i < n - 1) return Number.NaN;
    const window = closes.slice(i - n + 1, i + 1);
    const m = mean(window);
    return Math.sqrt(mean(window.map((x) => (x - m) ** 2)));
  });
  const upper = middle.map((m, i) => m + k * (sd[i] as number));
  const lower = middle.map((m, i) => m - k * (sd[i] as number));
  return { upper, middle, lower };
}

export function refTrueRange(bars: readonly OhlcvBar[]): number[] {
  return bars.map((bar, i) => {
    if (i === 0) return bar.high - bar.low;
    const previousClose = (bars[i - 1] as OhlcvBar).close;
    return Math.max(
      bar.high - bar.low,
      Math.abs(bar.high - previousClose),
      Math.abs(bar.low - previousClose),
    );
  });
}

/** Wilder ATR over TR (first TR = high − low), first value = mean of the first n TRs. */
export function refAtr(bars: readonly OhlcvBar[], n = 14): number[] {
  const tr = refTrueRange(bars);
  const out = bars.map(() => Number.NaN);
  if (bars.length < n) return out;
  let atr = mean(tr.slice(0, n));
  out[n - 1] = atr;
  for (let i = n; i < bars.length; i++) {
    atr = (atr * (n - 1) + (tr[i] as number)) / n;
    out[i] = atr;
  }
  return out;
}

export function refObv(bars: readonly OhlcvBar[]): number[] {
  let obv = 0;
  return bars.map((bar, i) => {
    if (i > 0) {
      const previous = (bars[i - 1] as OhlcvBar).close;
      obv += bar.close > previous ? bar.volume : bar.close < previous ? -bar.volume : 0;
    }
    return obv;
  });
}

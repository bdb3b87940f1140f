import type { OhlcvBar } from '@ats/indicators';

/** mulberry32: a tiny seeded PRNG, so every run measures the same bars. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Daily bars from a geometric random walk (≈1.5% daily moves), consistent OHLC, volume around 10M. */
export function syntheticBars(count: number, seed = 42): OhlcvBar[] {
  const random = mulberry32(seed);
  const bars: OhlcvBar[] = new Array(count);
  const start = Date.UTC(2000, 0, 3);
  let close = 100;
  for (let i = 0; i < count; i++) {
    const open = close * (1 + (random() - 0.5) * 0.01);
    close = Math.max(1, open * (1 + (random() - 0.5) * 0.03));
    const high = Math.max(open, close) * (1 + random() * 0.01);
    const low = Math.min(open, close) * (1 - random() * 0.01);
    const volume = Math.round(5e6 + random() * 1e7);
    bars[i] = { ts: new Date(start + i * 86_400_000).toISOString(), open, high, low, close, volume };
  }
  return bars;
}

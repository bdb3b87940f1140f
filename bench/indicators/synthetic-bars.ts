import { mulberry32 } from '@ats/contracts';
import type { OhlcvBar } from '@ats/indicators';

/** Daily bars from a geometric random walk (≈1.5% daily moves), consistent OHLC, volume around 10M. */
export function syntheticBars(count: number, seed = 42): OhlcvBar[] {
  // Seeded: every run measures the same bars.
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

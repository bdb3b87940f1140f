import { readFileSync } from 'node:fs';
import type { OhlcvBar } from '../../src/bar';

/** AAPL daily bars 2022–2023 (see test/fixtures/README.md for the source). */
export function loadAaplBars(): OhlcvBar[] {
  const text = readFileSync(new URL('../fixtures/aapl-2022-2023.csv', import.meta.url), 'utf8');
  const [header, ...rows] = text.trim().split('\n');
  if (header !== 'date,open,high,low,close,volume') throw new Error(`unexpected fixture header: ${header}`);
  return rows.map((row) => {
    const [date, open, high, low, close, volume] = row.split(',');
    return {
      ts: `${date}T00:00:00.000Z`,
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
    };
  });
}

/** Bars from closes alone (open = previous close, high/low = max/min of the two, constant volume). */
export function barsFromCloses(closes: readonly number[], volume = 1_000): OhlcvBar[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : (closes[i - 1] as number);
    return {
      ts: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
      open,
      high: Math.max(open, close),
      low: Math.min(open, close),
      close,
      volume,
    };
  });
}

/** Bars from explicit [high, low, close, volume] rows; open = previous close. */
export function barsFromHlcv(rows: readonly (readonly [number, number, number, number])[]): OhlcvBar[] {
  return rows.map(([high, low, close, volume], i) => ({
    ts: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
    open: i === 0 ? close : ((rows[i - 1] as readonly number[])[2] as number),
    high,
    low,
    close,
    volume,
  }));
}

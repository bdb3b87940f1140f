import type { Bar } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { NewBarDelivery } from './new-bar-delivery';

const bar = (symbol: string, date: string): Bar => ({
  symbol,
  timeframe: '1d',
  ts: `${date}T00:00:00.000Z`,
  open: 10,
  high: 11,
  low: 9,
  close: 10.5,
  volume: 1_000,
  adjusted: false,
});

describe('NewBarDelivery', () => {
  it('hands each bar over once, in time order per symbol, never one at or before `after`', async () => {
    const seen: string[] = [];
    const delivery = new NewBarDelivery({
      symbols: ['AAA', 'BBB'],
      after: { AAA: '2024-01-03T00:00:00.000Z' },
      onBar: (b) => {
        seen.push(`${b.symbol} ${b.ts.slice(0, 10)}`);
      },
      onError: () => {},
    });
    // A stream catch-up and a live message overlap; one bar arrives out of order; one symbol is not subscribed.
    await delivery.offer([bar('AAA', '2024-01-05'), bar('AAA', '2024-01-03'), bar('AAA', '2024-01-04')]);
    await delivery.offer([bar('AAA', '2024-01-05'), bar('BBB', '2024-01-05'), bar('CCC', '2024-01-05')]);
    await delivery.offer([bar('AAA', '2024-01-04')]);
    expect(seen).toEqual(['AAA 2024-01-04', 'AAA 2024-01-05', 'BBB 2024-01-05']);
    expect(delivery.lastTs('aaa')).toBe('2024-01-05T00:00:00.000Z');
  });

  it('reports a failing handler and goes on with the next bar; nothing after close', async () => {
    const failures: string[] = [];
    const seen: string[] = [];
    const delivery = new NewBarDelivery({
      symbols: ['AAA'],
      onBar: (b) => {
        if (b.ts.startsWith('2024-01-02')) throw new Error('cycle failed');
        seen.push(b.ts.slice(0, 10));
      },
      onError: (error, b) => failures.push(`${b.ts.slice(0, 10)}: ${(error as Error).message}`),
    });
    await delivery.offer([bar('AAA', '2024-01-02'), bar('AAA', '2024-01-03')]);
    await delivery.close();
    await delivery.offer([bar('AAA', '2024-01-04')]);
    expect(failures).toEqual(['2024-01-02: cycle failed']);
    expect(seen).toEqual(['2024-01-03']);
  });
});

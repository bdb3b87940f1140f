import { buildTechnicalSnapshot, IndicatorSet } from '@ats/indicators';
import { LocalCsvProvider } from '@ats/market-data';
import { describe, expect, it } from 'vitest';
import { technicalSnapshotAsOf } from './indicators-service';

describe('technicalSnapshotAsOf', () => {
  it('equals the snapshot of the bars up to the date, whatever comes after, with every field kept', async () => {
    const bars = await new LocalCsvProvider().loadBars('NVDA', { from: '2021-01-01', to: '2022-12-30' });
    const upTo = bars.filter((bar) => bar.ts < '2022-06-18');
    const set = new IndicatorSet();
    for (const bar of upTo) set.update(bar);

    const snapshot = technicalSnapshotAsOf(bars, '2022-06-17');
    // toEqual also fails if the wire schema dropped a field the indicators lib added.
    expect(snapshot).toEqual(buildTechnicalSnapshot(set));
    expect(snapshot?.ts).toBe('2022-06-17T00:00:00.000Z');
    expect(technicalSnapshotAsOf(upTo, '2022-06-17')).toEqual(snapshot);
  });

  it('has no snapshot before the first bar', async () => {
    const bars = await new LocalCsvProvider().loadBars('NVDA', { from: '2021-01-04', to: '2021-01-08' });
    expect(technicalSnapshotAsOf(bars, '2021-01-01')).toBeUndefined();
  });
});

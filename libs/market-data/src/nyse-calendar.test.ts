import { loadConfig } from '@ats/config';
import { describe, expect, it } from 'vitest';
import { LocalCsvProvider } from './local-csv-provider';
import { isNyseSession, nyseHolidays, nyseSessions } from './nyse-calendar';

const dataDir = loadConfig().data.dir;

describe('NYSE calendar', () => {
  // The data folder's SPY is an independent record of the sessions; without a data folder the check is skipped.
  (dataDir === undefined ? it.skip : it)(
    dataDir === undefined
      ? 'SPY session check skipped: no data folder configured (set DATA__DIR to a folder with ohlcv/SPY.csv)'
      : 'reproduces every trading day of SPY 2010-01-04..2026-08-20 in the data folder',
    async () => {
      const bars = await new LocalCsvProvider({ path: dataDir as string }).loadBars('SPY', {
        from: '2010-01-04',
        to: '2026-08-20',
      });
      const traded = bars.map((b) => b.ts.slice(0, 10));
      expect(traded).toHaveLength(4_183);
      expect(nyseSessions('2010-01-04', '2026-08-20')).toEqual(traded);
    },
  );

  it('knows the rules: observed dates, Good Friday, Juneteenth from 2022, no Saturday New Year', () => {
    expect([...nyseHolidays(2023)].sort()).toEqual([
      '2023-01-02', // New Year's Day observed (Sunday)
      '2023-01-16',
      '2023-02-20',
      '2023-04-07', // Good Friday
      '2023-05-29',
      '2023-06-19',
      '2023-07-04',
      '2023-09-04',
      '2023-11-23',
      '2023-12-25',
    ]);
    expect(isNyseSession('2021-12-31')).toBe(true); // New Year 2022 fell on a Saturday: not observed
    expect(isNyseSession('2021-06-18')).toBe(true); // Juneteenth before 2022
    expect(isNyseSession('2022-06-20')).toBe(false); // Juneteenth 2022 observed Monday
    expect(isNyseSession('2010-12-31')).toBe(true); // New Year 2011 fell on a Saturday: not observed either
    expect(isNyseSession('2010-12-24')).toBe(false); // Christmas 2010 (Saturday) observed the Friday before
    expect(isNyseSession('2016-03-25')).toBe(false); // Good Friday
    expect(isNyseSession('2015-04-03')).toBe(false); // Good Friday (a jobs-report day; the NYSE still closed)
  });

  it('closes on the one-off days: mourning for Presidents Bush and Carter, Hurricane Sandy', () => {
    for (const day of ['2012-10-29', '2012-10-30', '2018-12-05', '2025-01-09']) {
      expect(isNyseSession(day), day).toBe(false);
    }
    expect(isNyseSession('2012-10-31')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { LocalCsvProvider } from './local-csv-provider';
import { isNyseSession, nyseHolidays, nyseSessions } from './nyse-calendar';

describe('NYSE calendar', () => {
  it('matches every trading day of the bundled 2013–2023 data exactly (an independent record of sessions)', async () => {
    const bars = await new LocalCsvProvider().loadBars('AAPL');
    const traded = bars.map((b) => b.ts.slice(0, 10));
    expect(nyseSessions('2013-01-02', '2023-12-29')).toEqual(traded);
  });

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
    expect(isNyseSession('2018-12-05')).toBe(false); // national day of mourning
  });
});

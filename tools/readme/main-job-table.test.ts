import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README, renderMainJobTable, runMainJob, withTable } from './main-job-table';

describe("the README's main-job table", () => {
  it('is what the README main command prints today (regenerate with npm run readme:table)', async () => {
    const report = await runMainJob();
    const readme = readFileSync(README, 'utf8');
    expect(withTable(readme, renderMainJobTable(report))).toBe(readme);
    // Sanity on the source itself: the benchmark is SPY on a total-return basis, nine symbols over 2023.
    expect(report.config.request.benchmark).toBe('SPY');
    expect(report.title).toContain('AAPL, MSFT, NVDA, AMZN, META, TSLA, JPM, XOM, UNH');
  });

  it('refuses a README without the markers', () => {
    expect(() => withTable('# no table here', '| x |')).toThrow(/lacks the markers/);
  });
});

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nyseSessions } from '@ats/market-data';
import { bundledEntry } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { reportFile } from './support/report-files';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const PERIOD = 'backtest-buy-and-hold-2023-01-01-2023-12-31';
/** Up to two backtest processes in one test: generous on a loaded machine (one took 28 s under load). */
const LONG = 240_000;

/** Every 2023 session up to `to`, close 100 drifting up a cent a day. */
function rows(to = '2023-12-29'): string[] {
  return nyseSessions('2023-01-03', to).map((date, i) => {
    const close = (100 + i * 0.01).toFixed(2);
    return `${date},${close},${Number(close) + 1},${Number(close) - 1},${close},${close},1000`;
  });
}

/**
 * A data folder of two symbols: GOOD is clean; BAD has one unreadable close, a duplicated date, March missing
 * (a 30-day gap), a ×100 close that reverts the next day, and ends on 2023-11-30.
 */
function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ats-bad-data-'));
  mkdirSync(join(dir, 'ohlcv'));
  const header = 'date,open,high,low,close,adj_close,volume';
  const bad = rows('2023-11-30').filter((row) => row < '2023-03-01' || row >= '2023-03-31');
  bad[5] = '2023-01-10,100,101,99,abc,100,1000';
  bad[30] = '2023-02-15,100,10100,99,10000,10000,1000';
  bad.splice(21, 0, `${bad[20]?.slice(0, 10)},50,51,49,50,50,1000`);
  writeFileSync(join(dir, 'ohlcv', 'BAD.csv'), [header, ...bad].join('\n'));
  writeFileSync(join(dir, 'ohlcv', 'GOOD.csv'), [header, ...rows()].join('\n'));
  return dir;
}

const data = dataFolder();

function backtest(symbols: string, extraFlags: string[] = [], extraEnv: Record<string, string> = {}) {
  const out = mkdtempSync(join(tmpdir(), 'ats-bad-data-out-'));
  const run: SpawnSyncReturns<string> = spawnSync(
    process.execPath,
    [
      ...bundledEntry(MAIN),
      `--symbols=${symbols}`,
      '--start=2023-01-01',
      '--end=2023-12-31',
      '--strategy=buy-and-hold',
      '--benchmark=equal-weight',
      '--no-attribution',
      '--store=never',
      '--no-progress',
      `--out=${out}`,
      ...extraFlags,
    ],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        DATA__DIR: data,
        DATA__CACHE_DIR: mkdtempSync(join(tmpdir(), 'ats-bad-data-cache-')),
        DATA__DOWNLOAD: 'off',
        DATA__STRICT: 'false',
        DATABASE__URL: 'postgresql://nobody@127.0.0.1:1/none',
        NATS__URL: 'nats://127.0.0.1:1',
        NO_COLOR: '1',
        ...extraEnv,
      },
      timeout: 120_000,
    },
  );
  return { run, out };
}

const EXPECTED_FINDINGS = [
  'BAD 2023-01-10: row dropped (missing-value: close empty or not a number)',
  'BAD 2023-02-01: date appears more than once; the first row is used, the others dropped',
  'BAD 2023-02-15: close 10000 is ×99.7 the close before (100.29) and back to 100.31 the next day: a likely bad tick, kept as given',
  'BAD 2023-03-01..2023-03-30: 22 sessions without a bar (between 2023-02-28 and 2023-03-31)',
  'BAD: data ends 2023-11-30, 20 session(s) before the requested end 2023-12-31; the run is cut there',
];

describe('backtest CLI on bad CSV data', { timeout: LONG }, () => {
  it('reports every repair and rejection on stderr, in the JSON report and in the tear sheet', () => {
    const { run, out } = backtest('BAD,GOOD');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'data quality: 5 finding(s) in BAD, GOOD; the run used the data as repaired below (--strict-data refuses instead)\n',
    );
    for (const message of EXPECTED_FINDINGS) expect(run.stderr).toContain(`  ${message}\n`);
    const json = JSON.parse(readFileSync(reportFile(out, PERIOD, 'json'), 'utf8'));
    expect(json.dataQuality.symbols).toEqual(['BAD', 'GOOD']);
    expect(json.dataQuality.strict).toBe(false);
    expect(json.dataQuality.findings.map((f: { message: string }) => f.message)).toEqual(EXPECTED_FINDINGS);
    expect(json.dataQuality.findings.map((f: { kind: string }) => f.kind)).toEqual([
      'rejected-row',
      'duplicate-date',
      'spike',
      'gap',
      'range-not-covered',
    ]);
    const html = readFileSync(reportFile(out, PERIOD, 'html'), 'utf8');
    expect(html).toContain('<section id="data-quality"><h2>Data quality</h2>');
    expect(html).toContain('2 symbol(s) checked (BAD, GOOD): 5 finding(s)');
    expect(html).toContain('22 sessions without a bar (between 2023-02-28 and 2023-03-31)');
  });

  it('refuses the run with exit 2 and the findings under --strict-data, writing no report', () => {
    const { run, out } = backtest('BAD,GOOD', ['--strict-data']);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      'backtest refused: strict data mode: 5 data-quality finding(s), run refused\n' +
        EXPECTED_FINDINGS.map((m) => `  ${m}\n`).join(''),
    );
    expect(run.stdout).toBe('');
    expect(readdirSync(out)).toEqual([]);
  });

  it('takes strict mode from DATA__STRICT, which --no-strict-data overrides', () => {
    const refused = backtest('BAD', [], { DATA__STRICT: 'true' });
    expect(refused.run.status, refused.run.stderr).toBe(2);
    expect(refused.run.stderr).toContain('backtest refused: strict data mode: 5 data-quality finding(s)');

    const overridden = backtest('BAD', ['--no-strict-data'], { DATA__STRICT: 'true' });
    expect(overridden.run.status, overridden.run.stderr).toBe(0);
  });

  it('runs clean data in strict mode with nothing to report', () => {
    const clean = backtest('GOOD', [], { DATA__STRICT: 'true' });
    expect(clean.run.status, clean.run.stderr).toBe(0);
    expect(clean.run.stderr).not.toContain('data quality');
    const json = JSON.parse(readFileSync(reportFile(clean.out, PERIOD, 'json'), 'utf8'));
    expect(json.dataQuality).toEqual({ symbols: ['GOOD'], strict: true, findings: [] });
  });
});

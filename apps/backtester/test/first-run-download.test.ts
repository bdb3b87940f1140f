import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledEntry } from '@ats/tool-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeYahooChart, startFakeYahooChart } from './support/fake-yahoo-chart';
import { reportFile } from './support/report-files';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const SYMBOLS = ['AAA', 'BBB'];

interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The backtest CLI with no data folder (an empty one) and a private cache; async so the fake can answer. */
function backtest(env: Record<string, string>, out: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...bundledEntry(MAIN),
        `--symbols=${SYMBOLS.join(',')}`,
        '--start=2023-01-01',
        '--end=2023-06-30',
        '--no-attribution',
        '--store=never',
        `--out=${out}`,
      ],
      {
        env: {
          ...process.env,
          DATABASE__URL: 'postgresql://nobody@127.0.0.1:1/none',
          NATS__URL: 'nats://127.0.0.1:1',
          NO_COLOR: '1',
          ...env,
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('first run on a machine without the data folder', () => {
  let yahoo: FakeYahooChart;
  const root = mkdtempSync(join(tmpdir(), 'ats-first-run-'));
  const emptyDataDir = join(root, 'no-data');
  const cacheDir = join(root, 'cache');
  mkdirSync(emptyDataDir);

  beforeAll(async () => {
    yahoo = await startFakeYahooChart();
  });
  afterAll(async () => {
    await yahoo.close();
  });

  it('downloads each symbol (and the SPY benchmark) once, then runs offline with byte-identical results', async () => {
    const env = { DATA__DIR: emptyDataDir, DATA__CACHE_DIR: cacheDir, DATA__YAHOO_BASE_URL: yahoo.baseUrl };
    const first = await backtest(env, join(root, 'out-1'));
    expect(first.status, first.stderr).toBe(0);
    expect(Object.fromEntries(yahoo.calls)).toEqual({ AAA: 1, BBB: 1, SPY: 1 });
    // One progress line per downloaded symbol (stderr is not a TTY here).
    for (const symbol of [...SYMBOLS, 'SPY'])
      expect(first.stderr).toMatch(new RegExp(`${symbol}.*download`, 'i'));
    expect(
      readdirSync(join(cacheDir, 'ohlcv'))
        .filter((f) => f.endsWith('.csv'))
        .sort(),
    ).toEqual(['AAA.csv', 'BBB.csv', 'SPY.csv']);

    const second = await backtest(env, join(root, 'out-2'));
    expect(second.status, second.stderr).toBe(0);
    expect(Object.fromEntries(yahoo.calls)).toEqual({ AAA: 1, BBB: 1, SPY: 1 });
    const report = (dir: string) =>
      readFileSync(reportFile(join(root, dir), 'backtest-multi-agent-2023-01-01-2023-06-30', 'json'), 'utf8');
    expect(report('out-2')).toBe(report('out-1'));
  });

  it('with no data and no network: one message with the two ways out, exit 2, no stack trace', async () => {
    const run = await backtest(
      {
        DATA__DIR: emptyDataDir,
        DATA__CACHE_DIR: join(root, 'empty-cache'),
        // Nothing listens on port 1: the download fails as it would offline.
        DATA__YAHOO_BASE_URL: 'http://127.0.0.1:1',
      },
      join(root, 'out-offline'),
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/No daily bars for AAA, BBB/);
    expect(run.stderr).toMatch(/set DATA__DIR/);
    expect(run.stderr).toMatch(/allow the download/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });
});

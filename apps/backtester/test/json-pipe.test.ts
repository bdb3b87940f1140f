import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUN_BUNDLED } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { reportFile } from './support/report-files';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/**
 * Another program at the end of the pipe that reads the first chunk, then nothing for 1.5 s, then the rest, and
 * prints how many bytes it got: the backtester finishes its write while the pipe (64 KiB) is full, which is when a
 * process.exit before the flush cut the report (issue 15 #10).
 */
const SLOW_READER = `
let bytes = 0;
let paused = false;
process.stdin.on('data', (chunk) => {
  bytes += chunk.length;
  if (paused) return;
  paused = true;
  process.stdin.pause();
  setTimeout(() => process.stdin.resume(), 1500);
});
process.stdin.on('end', () => process.stdout.write(String(bytes)));
`;

/** One backtest process through a pipe: generous on a loaded machine. */
const LONG = 240_000;

describe('backtest --json piped into another program', { timeout: LONG }, () => {
  it('delivers every byte of a report far larger than the pipe buffer', () => {
    const out = mkdtempSync(join(tmpdir(), 'ats-backtest-pipe-'));
    const flags = [
      '--json',
      `--out=${out}`,
      '--store=never',
      '--no-progress',
      '--strategy=buy-and-hold',
      '--no-attribution',
      '--symbols=AAPL,MSFT,NVDA',
      '--start=2020-01-01',
      '--end=2023-12-31',
    ];
    const run = spawnSync(
      'bash',
      [
        '-c',
        'set -o pipefail; "$NODE" "$LAUNCHER" "$MAIN" "$@" | "$NODE" -e "$SLOW_READER"',
        'pipe',
        ...flags,
      ],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          NODE: process.execPath,
          MAIN,
          LAUNCHER: RUN_BUNDLED,
          SLOW_READER,
          DATABASE__URL: 'postgresql://nobody@127.0.0.1:1/none',
          NATS__URL: 'nats://127.0.0.1:1',
          NO_COLOR: '1',
        },
        timeout: 180_000,
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const json = reportFile(out, 'backtest-buy-and-hold-2020-01-01-2023-12-31', 'json');
    const size = statSync(json).size;
    expect(size).toBeGreaterThan(4 * 65_536);
    expect(Number(run.stdout)).toBe(size);
    expect(JSON.parse(readFileSync(json, 'utf8')).equityCurve.length).toBeGreaterThan(1000);
  });
});

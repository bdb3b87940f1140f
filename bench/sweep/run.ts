/**
 * Sweep scaling benchmark (issue 13, goal 6): one 20-case parameter sweep of the multi-agent strategy on the 36
 * symbols of the data folder, run by the backtester CLI on 1, 2 and 4 worker threads (`--sweep … --workers=N`),
 * each as its own process. Prints one JSON object: per worker count the sweep's time (the CLI's own `swept … in`
 * line: the cases, without process start-up) and the process wall time, the ratios, the machine's ceiling (the two
 * halves of the sweep as two separate 1-worker processes at once: what two cores give this workload with nothing
 * shared), the load average before and after, and whether the three outputs are the same bytes.
 *
 * Run: npx tsx bench/sweep/run.ts [--start=2023-01-01] [--end=2023-12-31] [--repeat=1]
 * Goal: 2 workers ≥ 1.8× faster than 1; 4 workers on 2 cores no slower than 2 (ratio t2 / t4 ≥ 1, read with the
 * load average: on a shared machine other processes take cores too).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '@ats/config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LAUNCHER = join(ROOT, 'tools/build/run-bundled.mjs');
const ENTRIES = ['apps/backtester/src/main.ts', 'apps/backtester/src/sweep-thread.ts']
  .map((p) => join(ROOT, p))
  .join(',');
const WORKER_COUNTS = [1, 2, 4] as const;
const WEIGHTS = '--sweep=weights.technical=0.3,0.4,0.5,0.6,0.7';
/** 5 × 4 = 20 cases. */
const AXES = [WEIGHTS, '--sweep=slippageBps=2,5,10,20'];
/** The same 20 cases as two sweeps of 10 (for the machine's ceiling, see twoIndependentProcesses). */
const HALVES = [
  [WEIGHTS, '--sweep=slippageBps=2,5'],
  [WEIGHTS, '--sweep=slippageBps=10,20'],
];

const { values } = parseArgs({
  options: {
    start: { type: 'string', default: '2023-01-01' },
    end: { type: 'string', default: '2023-12-31' },
    repeat: { type: 'string', default: '1' },
  },
});
const repeat = Math.max(1, Number(values.repeat));

const dataDir = loadConfig().data.dir;
if (!dataDir) throw new Error('no data folder (DATA__DIR or ../shared/data beside the checkout)');
const symbols = readdirSync(join(dataDir, 'ohlcv'))
  .filter((f) => f.endsWith('.csv'))
  .map((f) => f.slice(0, -4))
  .sort();

interface Run {
  readonly workers: number;
  readonly sweepSeconds: number;
  readonly wallSeconds: number;
  readonly stdout: string;
}

function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LAUNCHER, ENTRIES, ...args], {
      cwd: ROOT,
      env: { ...process.env, BUNDLE_LOG: 'off' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function sweep(workers: number, axes: readonly string[] = AXES, cases = 20): Promise<Run> {
  const out = mkdtempSync(join(tmpdir(), 'ats-bench-sweep-'));
  const startedAt = performance.now();
  const { code, stdout, stderr } = await cli([
    `--symbols=${symbols.join(',')}`,
    `--start=${values.start}`,
    `--end=${values.end}`,
    '--no-attribution',
    ...axes,
    `--workers=${workers}`,
    '--json',
    '--no-progress',
    `--out=${out}`,
  ]);
  const wallSeconds = (performance.now() - startedAt) / 1000;
  if (code !== 0) throw new Error(`sweep with ${workers} workers exited ${code}: ${stderr}`);
  const swept = /swept (\d+) cases on \d+ worker thread\(s\) in ([\d.]+) s/.exec(stderr);
  if (!swept || Number(swept[1]) !== cases)
    throw new Error(`no ${cases}-case sweep line on stderr: ${stderr}`);
  return { workers, sweepSeconds: Number(swept[2]), wallSeconds, stdout };
}

/**
 * The machine's ceiling for two workers: the sweep's two halves as two separate processes at once, one worker
 * each, sharing nothing but the machine (cores, caches, memory). Seconds until both are done.
 */
async function twoIndependentProcesses(): Promise<number> {
  const halves = await Promise.all(HALVES.map((axes) => sweep(1, axes, 10)));
  return Math.max(...halves.map((h) => h.sweepSeconds));
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

// Build the bundle (if stale) before the clock starts.
await cli(['--help']);
const loadBefore = loadavg();
const runs: Run[] = [];
const ceilingSeconds: number[] = [];
for (let r = 0; r < repeat; r++) {
  // Alternate the order so a load change during the run does not favour one worker count.
  const order = r % 2 === 0 ? WORKER_COUNTS : [...WORKER_COUNTS].reverse();
  for (const workers of order) runs.push(await sweep(workers));
  ceilingSeconds.push(await twoIndependentProcesses());
}
const loadAfter = loadavg();

const byWorkers = Object.fromEntries(
  WORKER_COUNTS.map((w) => {
    const mine = runs.filter((r) => r.workers === w);
    return [
      w,
      {
        sweepSeconds: round(median(mine.map((r) => r.sweepSeconds))),
        wallSeconds: round(median(mine.map((r) => r.wallSeconds))),
        runs: mine.length,
      },
    ];
  }),
) as Record<(typeof WORKER_COUNTS)[number], { sweepSeconds: number; wallSeconds: number; runs: number }>;
const speedup2 = byWorkers[1].sweepSeconds / byWorkers[2].sweepSeconds;
const ratio4to2 = byWorkers[2].sweepSeconds / byWorkers[4].sweepSeconds;
const identical = runs.every((r) => r.stdout === runs[0]?.stdout);

process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'sweep',
      sweep: { cases: 20, symbols: symbols.length, start: values.start, end: values.end, axes: AXES },
      machine: { cores: availableParallelism(), cpu: cpus()[0]?.model, loadBefore, loadAfter },
      workers: byWorkers,
      // Above 1.8 only if the machine can run two of these at once; the pool cannot beat it.
      machineCeiling: {
        twoIndependentProcessesSeconds: round(median(ceilingSeconds)),
        speedup1to2: round(byWorkers[1].sweepSeconds / median(ceilingSeconds)),
      },
      goal6: {
        speedup1to2: round(speedup2),
        speedup1to2Goal: 1.8,
        fourVsTwo: round(ratio4to2),
        fourVsTwoGoal: 1,
        met: speedup2 >= 1.8 && ratio4to2 >= 1,
      },
      identicalOutput: identical,
    },
    null,
    2,
  )}\n`,
);
if (!identical) process.exitCode = 1;

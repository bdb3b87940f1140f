import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The README's result table is never typed by hand: this runs the README main command (`--json`), renders the
 * figures it printed, and writes them between the markers in README.md (`--write`) or fails when they differ
 * (`--check`, and the test beside this file).
 */
export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const README = join(ROOT, 'README.md');
export const BEGIN_MARKER = '<!-- main-job-table:begin (npm run readme:table writes this) -->';
export const END_MARKER = '<!-- main-job-table:end -->';
const MAIN = join(ROOT, 'apps', 'backtester', 'src', 'main.ts');

interface HeadlineMetrics {
  readonly totalReturn: number;
  readonly annualVolatility: number;
  readonly sharpe: number | null;
  readonly maxDrawdown: number;
}

interface AttributionRow {
  readonly variant: string;
  readonly metrics: HeadlineMetrics & { readonly tradeCount: number };
}

/** The parts of the canonical JSON report the table shows. */
export interface MainJobReport {
  readonly title: string;
  readonly metrics: HeadlineMetrics & {
    readonly tradeCount: number;
    readonly alpha: number | null;
    readonly beta: number | null;
    readonly benchmark?: HeadlineMetrics;
  };
  readonly attribution: readonly AttributionRow[];
  readonly config: { readonly request: { readonly benchmark: string; readonly dividends: boolean } };
}

/** Runs the README main command with --json (no servers, no progress) and parses its report. */
export async function runMainJob(extraEnv: Record<string, string> = {}): Promise<MainJobReport> {
  const out = mkdtempSync(join(tmpdir(), 'ats-readme-'));
  try {
    const stdout = await new Promise<string>((resolvePromise, reject) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', MAIN, '--json', '--no-progress', '--store=never', `--out=${out}`],
        { cwd: ROOT, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let text = '';
      let errors = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        errors += chunk.toString();
      });
      child.once('error', reject);
      child.once('close', (code) =>
        code === 0 ? resolvePromise(text) : reject(new Error(`backtest exited ${code}: ${errors.trim()}`)),
      );
    });
    return JSON.parse(stdout) as MainJobReport;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const percent = (x: number) => `${(x * 100).toFixed(2)}%`;
const ratio = (x: number | null) => (x === null ? '–' : x.toFixed(2));

/** The markdown block: headline figures against the benchmark, then the agent attribution rows. */
export function renderMainJobTable(report: MainJobReport): string {
  const m = report.metrics;
  const b = m.benchmark;
  const request = report.config.request;
  const benchmark = `${request.benchmark} (${request.dividends ? 'total return' : 'price only'})`;
  const lines = [
    `| | strategy | ${benchmark} |`,
    '| --- | --- | --- |',
    `| total return | ${percent(m.totalReturn)} | ${b ? percent(b.totalReturn) : '–'} |`,
    `| annual volatility | ${percent(m.annualVolatility)} | ${b ? percent(b.annualVolatility) : '–'} |`,
    `| Sharpe (rf 0) | ${ratio(m.sharpe)} | ${b ? ratio(b.sharpe) : '–'} |`,
    `| max drawdown | ${percent(m.maxDrawdown)} | ${b ? percent(b.maxDrawdown) : '–'} |`,
    `| alpha (annual) / beta vs ${request.benchmark} | ${m.alpha === null ? '–' : percent(m.alpha)} / ${ratio(m.beta)} | |`,
    `| closed trades | ${m.tradeCount} | |`,
    '',
    '| agent attribution | return | Sharpe | max drawdown | trades |',
    '| --- | --- | --- | --- | --- |',
    ...report.attribution.map(
      (row) =>
        `| ${row.variant} | ${percent(row.metrics.totalReturn)} | ${ratio(row.metrics.sharpe)} | ${percent(row.metrics.maxDrawdown)} | ${row.metrics.tradeCount} |`,
    ),
  ];
  return lines.join('\n');
}

/** The README with `table` between the markers; throws when the markers are missing. */
export function withTable(readme: string, table: string): string {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin < 0 || end < begin)
    throw new Error(`README.md lacks the markers ${BEGIN_MARKER} … ${END_MARKER}`);
  return `${readme.slice(0, begin + BEGIN_MARKER.length)}\n${table}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2] ?? '--check';
  const readme = readFileSync(README, 'utf8');
  const updated = withTable(readme, renderMainJobTable(await runMainJob()));
  if (mode === '--write') {
    writeFileSync(README, updated);
    console.log('README.md main-job table written from the command output');
  } else if (updated !== readme) {
    console.error('README.md main-job table differs from the command output: run `npm run readme:table`');
    process.exit(1);
  } else {
    console.log('README.md main-job table matches the command output');
  }
}

import type { CliOptions } from './options';
import { resolveOutDir } from './paths';
import type { SweepCase } from './sweep';
import { renderSweepTable } from './sweep-queue';
import { summariseSweep } from './sweep-statistics';
import { localSweepId, runSweepInThreads } from './sweep-threads';

/**
 * `--sweep … --workers=N`: the cases on N worker threads of this process, then the same table, statistics and
 * `<out>/<sweep id>.json` as a sweep on the queue. The sweep id comes from the cases, so the output is the same
 * bytes for any N; the time taken goes to stderr.
 */
export async function runLocalSweep(
  options: CliOptions,
  cases: readonly SweepCase[],
  threads: number,
): Promise<number> {
  const startedAt = performance.now();
  const tty = process.stderr.isTTY;
  const rows = await runSweepInThreads(
    cases,
    options,
    threads,
    tty ? (done) => process.stderr.write(`\r${done}/${cases.length} done`) : undefined,
  );
  const seconds = (performance.now() - startedAt) / 1000;
  process.stderr.write(
    `${tty ? '\n' : ''}swept ${cases.length} cases on ${threads} worker thread(s) in ${seconds.toFixed(3)} s\n`,
  );
  const summary = summariseSweep(localSweepId(cases), cases, rows, resolveOutDir(options.outDir));
  process.stdout.write(
    options.json
      ? summary.json
      : `${renderSweepTable(cases, rows)}${summary.text}json:   ${summary.jsonPath}\n`,
  );
  return rows.every((r) => r.status === 'completed') ? 0 : 1;
}

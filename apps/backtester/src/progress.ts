import type { BacktestProgress } from '@ats/backtest';

const BAR_WIDTH = 30;

/** A one-line progress bar on a TTY (stderr), silent otherwise so piped output stays clean. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) return undefined;
  return (progress: BacktestProgress & { variant: string }) => {
    const fraction = progress.steps > 0 ? progress.step / progress.steps : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const line = `${progress.variant.padEnd(36)} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.round(
      fraction * 100,
    )
      .toString()
      .padStart(3)}% ${progress.asOf.slice(0, 10)} equity ${progress.equity.toFixed(0)}`;
    stream.write(`\r${line}${fraction >= 1 ? '\n' : ''}`);
  };
}

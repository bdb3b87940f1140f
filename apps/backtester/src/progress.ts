import type { BacktestProgress } from '@ats/backtest';
import { SingleBar } from 'cli-progress';

const BAR_WIDTH = 30;

/**
 * A progress bar per run (the strategy, then each attribution variant) on a TTY (stderr), redrawn in place by
 * cli-progress and left on its own line when the run ends; silent otherwise, so logs and piped output stay clean.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) return undefined;
  let bar: SingleBar | undefined;
  let variant: string | undefined;
  return (progress: BacktestProgress & { variant: string }) => {
    const payload = {
      variant: progress.variant.padEnd(36),
      asOf: progress.asOf.slice(0, 10),
      equity: progress.equity.toFixed(0),
    };
    if (progress.variant !== variant) {
      bar?.stop();
      variant = progress.variant;
      bar = new SingleBar({
        stream,
        format: '{variant} [{bar}] {percentage}% {asOf} equity {equity}',
        barsize: BAR_WIDTH,
        barCompleteChar: '#',
        barIncompleteChar: '.',
        hideCursor: false,
      });
      bar.start(Math.max(progress.steps, 1), 0, payload);
    }
    bar?.update(progress.steps > 0 ? progress.step : 1, payload);
    if (progress.step >= progress.steps) {
      bar?.stop();
      bar = undefined;
      variant = undefined;
    }
  };
}

import { SingleBar } from 'cli-progress';

/**
 * Where a symbol's daily bars were found: the data folder, the download cache, a download just now, or (distributed
 * mode) the data gateway, whichever of those it used.
 */
export type DailyBarOrigin = 'data-folder' | 'cache' | 'download' | 'data-gateway';

/** One step of `DailyBarStore.prefetch`: a download starting (`done: false`) or a symbol settled (`done: true`). */
export interface DownloadProgress {
  readonly symbol: string;
  /** 1-based position of the symbol in the prefetch. */
  readonly index: number;
  readonly total: number;
  readonly origin: DailyBarOrigin;
  readonly done: boolean;
  /** Daily rows held for the symbol (its whole stored history, not only the requested range); 0 until done. */
  readonly rows: number;
  /** Size of the symbol's CSV in bytes; 0 until done. */
  readonly bytes: number;
  /** Why the symbol could not be served (it is then reported in a MissingMarketDataError). */
  readonly error?: string;
}

/** The part of a writable stream the renderer needs (`process.stderr`, or a test double). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface RenderDownloadProgressOptions {
  /** Print only symbols that were downloaded or failed, not those found locally (non-TTY logs stay short). */
  readonly onlyDownloads?: boolean;
  /** Width of the bar in characters on a TTY. */
  readonly barWidth?: number;
}

const DEFAULT_BAR_WIDTH = 24;

/**
 * A `prefetch` progress callback that draws on `stream` (default stderr): on a TTY one cli-progress bar redrawn in
 * place (`[#######-----] 12/36 AAPL downloading…`), left on screen with a summary after the last symbol; otherwise
 * one plain line per settled symbol, which reads well in logs and CI.
 */
export function renderDownloadProgress(
  stream: ProgressStream = process.stderr,
  options: RenderDownloadProgressOptions = {},
): (event: DownloadProgress) => void {
  return stream.isTTY ? terminalBar(stream, options) : plainLines(stream, options);
}

function terminalBar(
  stream: ProgressStream,
  options: RenderDownloadProgressOptions,
): (event: DownloadProgress) => void {
  let bar: DownloadBar | undefined;
  let downloaded = 0;
  // With onlyDownloads the bar appears at the first download: a run served locally prints nothing.
  let drawing = !options.onlyDownloads;
  return (event) => {
    if (event.done && event.origin === 'download' && event.error === undefined) downloaded += 1;
    drawing ||= event.origin === 'download';
    if (!drawing) return;
    const settled = event.done ? event.index : event.index - 1;
    const last = event.done && event.index === event.total;
    const step = last
      ? { position: event.total, step: `daily bars ready (${downloaded} downloaded)` }
      : { position: event.index, step: `${event.symbol} ${describe(event)}` };
    if (!bar) {
      bar = new DownloadBar(stream, options.barWidth ?? DEFAULT_BAR_WIDTH);
      bar.start(event.total, settled, step);
    }
    bar.update(settled, step);
    // Every step drawn as it happens (cli-progress alone would skip steps within its redraw interval).
    bar.render();
    if (last) {
      bar.stop();
      bar = undefined;
    }
  };
}

/**
 * cli-progress's bar, with its periodic redraw timer unref'd: if a prefetch throws before its last symbol the bar is
 * never stopped, and a live timer would keep the process from exiting.
 */
class DownloadBar extends SingleBar {
  constructor(stream: ProgressStream, barWidth: number) {
    super({
      // cli-progress writes only text and ANSI cursor codes to it (readline's cursorTo/clearLine).
      stream: stream as NodeJS.WritableStream,
      format: '[{bar}] {position}/{total} {step}',
      barsize: barWidth,
      barCompleteChar: '#',
      barIncompleteChar: '-',
      hideCursor: false,
    });
  }

  override render(): void {
    super.render();
    (this as unknown as { timer?: NodeJS.Timeout }).timer?.unref();
  }
}

function plainLines(
  stream: ProgressStream,
  options: RenderDownloadProgressOptions,
): (event: DownloadProgress) => void {
  return (event) => {
    if (!event.done) return;
    if (options.onlyDownloads && event.origin !== 'download' && event.error === undefined) return;
    stream.write(`market data ${event.index}/${event.total} ${event.symbol}: ${describe(event)}\n`);
  };
}

function describe(event: DownloadProgress): string {
  if (event.error !== undefined) return `missing (${event.error})`;
  if (!event.done) return 'downloading…';
  const size = `${event.rows.toLocaleString('en-US')} rows, ${formatBytes(event.bytes)}`;
  if (event.origin === 'download') return `downloaded (${size})`;
  if (event.origin === 'data-gateway')
    return `from the data gateway (${event.rows.toLocaleString('en-US')} rows)`;
  return `${event.origin === 'cache' ? 'from the download cache' : 'from the data folder'} (${size})`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

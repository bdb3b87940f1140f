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
 * A `prefetch` progress callback that draws on `stream` (default stderr): on a TTY one bar redrawn in place
 * (`[#######-----] 12/36 AAPL downloading`), ended with a newline after the last symbol; otherwise one line per
 * settled symbol, which reads well in CI logs.
 */
export function renderDownloadProgress(
  stream: ProgressStream = process.stderr,
  options: RenderDownloadProgressOptions = {},
): (event: DownloadProgress) => void {
  const width = options.barWidth ?? DEFAULT_BAR_WIDTH;
  let downloaded = 0;
  // With onlyDownloads a terminal shows the bar from the first download on: a run served locally prints nothing.
  let drawing = !options.onlyDownloads;
  return (event) => {
    if (event.done && event.origin === 'download' && event.error === undefined) downloaded += 1;
    const status = describe(event);
    if (stream.isTTY) {
      drawing ||= event.origin === 'download';
      if (!drawing) return;
      const settled = event.done ? event.index : event.index - 1;
      const filled = Math.round((settled / Math.max(1, event.total)) * width);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
      const line = `${bar} ${event.index}/${event.total} ${event.symbol} ${status}`;
      const columns = stream.columns ?? 80;
      // \r + clear-to-end redraws the one line; the last symbol leaves it on screen with a summary.
      stream.write(`\r${line.slice(0, Math.max(10, columns - 1))}\u001b[K`);
      if (event.done && event.index === event.total) {
        stream.write(
          `\r${bar} ${event.total}/${event.total} daily bars ready (${downloaded} downloaded)\u001b[K\n`,
        );
      }
      return;
    }
    if (!event.done) return;
    if (options.onlyDownloads && event.origin !== 'download' && event.error === undefined) return;
    stream.write(`market data ${event.index}/${event.total} ${event.symbol}: ${status}\n`);
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

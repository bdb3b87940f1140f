import type { Clock, Timeframe } from '@ats/contracts';
import { type BarStore, type MarketDataSource, tradingDateIn } from '@ats/market-data';

/** Daily bars are final after the New York session; only bars of earlier dates are stored for good. */
const EXCHANGE_TIME_ZONE = 'America/New_York';

export interface BackfillRequest {
  readonly symbols: readonly string[];
  /** Inclusive trading dates. */
  readonly from: string;
  readonly to: string;
  readonly timeframe?: Timeframe;
}

export interface BackfillRow {
  readonly symbol: string;
  readonly provider: string | null;
  /** Closed bars the provider served for the range. */
  readonly fetched: number;
  /** New rows in Postgres (0 on a second run: bars are upserted by symbol, timeframe and time). */
  readonly written: number;
  readonly droppedRows: number;
  readonly error?: string;
}

/**
 * Fetches each symbol's bars through the failover chain and writes the closed, unadjusted ones to the bar
 * store. Idempotent; a symbol that fails is reported and the others still run.
 */
export async function backfillBars(
  source: Pick<MarketDataSource, 'getBars'>,
  store: BarStore,
  clock: Clock,
  request: BackfillRequest,
): Promise<BackfillRow[]> {
  const timeframe = request.timeframe ?? '1d';
  const today = tradingDateIn(clock.now().getTime(), EXCHANGE_TIME_ZONE);
  const rows: BackfillRow[] = [];
  for (const symbol of request.symbols) {
    try {
      const served = await source.getBars({ symbol, timeframe, from: request.from, to: request.to });
      const closed = served.bars.filter((bar) => !bar.adjusted && bar.ts.slice(0, 10) < today);
      const written = await store.saveBars(closed, served.provider);
      rows.push({
        symbol,
        provider: served.provider,
        fetched: closed.length,
        written,
        droppedRows: served.droppedRows,
      });
    } catch (error) {
      rows.push({
        symbol,
        provider: null,
        fetched: 0,
        written: 0,
        droppedRows: 0,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return rows;
}

/** The summary table printed by the backfill command. */
export function formatBackfillSummary(rows: readonly BackfillRow[]): string {
  const header = ['symbol', 'provider', 'fetched', 'written', 'dropped', 'error'];
  const lines = rows.map((r) => [
    r.symbol,
    r.provider ?? '-',
    String(r.fetched),
    String(r.written),
    String(r.droppedRows),
    r.error ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [format(header), ...lines.map(format)].join('\n');
}

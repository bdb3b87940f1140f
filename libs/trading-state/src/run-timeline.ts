import type { Fill } from '@ats/contracts';
import { compareBookingOrder } from './book';
import type { StoredOrder, StoredSnapshot, TradingStore } from './trading-store';

/** One date of a run's book: what was ordered and filled that day, what was held after it, and the mark. */
export interface BookDay {
  /** `YYYY-MM-DD` of the cycle (decision at its close) or of the fill (its bar). */
  readonly date: string;
  /** `<symbol> <side> <quantity> <status>` of the orders decided that day. */
  readonly orders: readonly string[];
  /** `<symbol> <side> <quantity> @ <price> fee <commission>` of the fills on that day's bar. */
  readonly fills: readonly string[];
  /** `<symbol> <quantity>` of every non-flat holding after that day's fills. */
  readonly positions: readonly string[];
  /** Cash and equity of the cycle's snapshot (undefined on a date without a cycle). */
  readonly cash?: number;
  readonly equity?: number;
}

/**
 * A run's book date by date, free of its run id (order and fill ids carry it), so two runs of the same replay
 * compare directly: a resumed run must equal an uninterrupted one at every date, not only in its final counts.
 */
export async function runTimeline(store: TradingStore, runId: string): Promise<BookDay[]> {
  const [orders, fills, snapshots] = await Promise.all([
    store.orders(runId),
    store.fills(runId),
    store.snapshots(runId),
  ]);
  return timelineOf(orders, fills, snapshots);
}

export function timelineOf(
  orders: readonly StoredOrder[],
  fills: readonly Fill[],
  snapshots: readonly StoredSnapshot[],
): BookDay[] {
  const day = (iso: string) => iso.slice(0, 10);
  // A cycle decides at its bar's close (00:00 UTC of the next calendar day for daily bars): its date is the bar's.
  const cycleDay = (iso: string) => day(new Date(Date.parse(iso) - 1).toISOString());
  const dates = new Set<string>();
  const ordersOn = new Map<string, string[]>();
  for (const o of orders) {
    const date = cycleDay(o.order.submittedAt);
    dates.add(date);
    const line = `${o.order.symbol} ${o.order.side} ${o.order.quantity} ${o.status}`;
    ordersOn.set(date, [...(ordersOn.get(date) ?? []), line]);
  }
  const fillsOn = new Map<string, Fill[]>();
  for (const f of [...fills].sort(compareBookingOrder)) {
    const date = day(f.filledAt);
    dates.add(date);
    fillsOn.set(date, [...(fillsOn.get(date) ?? []), f]);
  }
  const markOn = new Map<string, StoredSnapshot>();
  for (const s of snapshots) {
    const date = cycleDay(s.takenAt);
    dates.add(date);
    markOn.set(date, s);
  }
  const held = new Map<string, number>();
  return [...dates].sort().map((date) => {
    const filled = fillsOn.get(date) ?? [];
    for (const f of filled)
      held.set(f.symbol, (held.get(f.symbol) ?? 0) + (f.side === 'BUY' ? f.quantity : -f.quantity));
    const mark = markOn.get(date);
    return {
      date,
      orders: [...(ordersOn.get(date) ?? [])].sort(),
      fills: filled.map((f) => `${f.symbol} ${f.side} ${f.quantity} @ ${f.price} fee ${f.commission}`),
      positions: [...held]
        .filter(([, quantity]) => quantity !== 0)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([symbol, quantity]) => `${symbol} ${quantity}`),
      ...(mark ? { cash: mark.cash, equity: mark.equity } : {}),
    };
  });
}

/** Where two timelines part, one line per differing date (empty when the books are equal at every date). */
export function timelineDifferences(expected: readonly BookDay[], actual: readonly BookDay[]): string[] {
  const byDate = new Map(actual.map((d) => [d.date, d]));
  const differences: string[] = [];
  for (const want of expected) {
    const got = byDate.get(want.date);
    byDate.delete(want.date);
    if (JSON.stringify(got) !== JSON.stringify(want))
      differences.push(`${want.date}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got ?? null)}`);
  }
  for (const extra of byDate.values()) differences.push(`${extra.date}: unexpected ${JSON.stringify(extra)}`);
  return differences;
}

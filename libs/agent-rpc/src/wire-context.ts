import type { DecisionContext } from '@ats/agents';
import type {
  Bar,
  BarColumns,
  MarketSnapshot,
  WireDecisionContext,
  WireMarketSnapshot,
} from '@ats/contracts';
import type { Wire } from './agent-kinds';

/** A history that cannot be sent as one symbol's columns (a producer's bug: a snapshot's history is one feed). */
export class MixedHistoryError extends Error {
  override readonly name = 'MixedHistoryError';
}

/**
 * One symbol's bars as columns (BarColumnsSchema). `symbol` names an empty history; every bar must be of that
 * symbol and of the first bar's timeframe.
 */
export function barsToColumns(symbol: string, bars: readonly Bar[]): BarColumns {
  const n = bars.length;
  const timeframe = bars[0]?.timeframe ?? '1d';
  const ts: string[] = new Array(n);
  const open: number[] = new Array(n);
  const high: number[] = new Array(n);
  const low: number[] = new Array(n);
  const close: number[] = new Array(n);
  const volume: number[] = new Array(n);
  const adjusted: boolean[] = new Array(n);
  const adjClose: (number | null)[] = new Array(n);
  let anyAdjClose = false;
  for (let i = 0; i < n; i++) {
    const bar = bars[i] as Bar;
    if (bar.symbol !== symbol || bar.timeframe !== timeframe)
      throw new MixedHistoryError(
        `history of ${symbol} holds a ${bar.symbol} ${bar.timeframe} bar at ${bar.ts} (expected ${symbol} ${timeframe})`,
      );
    ts[i] = bar.ts;
    open[i] = bar.open;
    high[i] = bar.high;
    low[i] = bar.low;
    close[i] = bar.close;
    volume[i] = bar.volume;
    adjusted[i] = bar.adjusted;
    const adj = bar.adjClose;
    adjClose[i] = adj === undefined ? null : adj;
    if (adj !== undefined) anyAdjClose = true;
  }
  const columns = { symbol, timeframe, ts, open, high, low, close, volume, adjusted };
  return anyAdjClose ? { ...columns, adjClose } : columns;
}

/** The bars back from their columns, each as BarSchema would have parsed it (same keys, same order). */
export function columnsToBars(c: BarColumns): Bar[] {
  const n = c.ts.length;
  const bars: Bar[] = new Array(n);
  const { symbol, timeframe, adjClose } = c;
  for (let i = 0; i < n; i++) {
    const bar: Bar = {
      symbol,
      timeframe,
      ts: c.ts[i] as string,
      open: c.open[i] as number,
      high: c.high[i] as number,
      low: c.low[i] as number,
      close: c.close[i] as number,
      volume: c.volume[i] as number,
      adjusted: c.adjusted[i] as boolean,
    };
    const adj = adjClose?.[i];
    if (adj !== undefined && adj !== null) bar.adjClose = adj;
    bars[i] = bar;
  }
  return bars;
}

/** The columns of each history sent: the four requests of a cycle share one context, converted once. */
const columnsOfHistory = new WeakMap<readonly Bar[], BarColumns>();

/** Columns made from this very array, still of its length and last bar (histories are readonly; this is a guard). */
function stillDescribes(bars: BarColumns | undefined, history: readonly Bar[]): bars is BarColumns {
  const n = history.length;
  return bars !== undefined && bars.ts.length === n && (n === 0 || bars.ts[n - 1] === history[n - 1]?.ts);
}

function snapshotToWire(snapshot: MarketSnapshot): WireMarketSnapshot {
  const { history, ...rest } = snapshot;
  let bars = columnsOfHistory.get(history);
  if (!stillDescribes(bars, history)) {
    bars = barsToColumns(snapshot.symbol, history);
    columnsOfHistory.set(history, bars);
  }
  return { ...rest, bars };
}

/**
 * The context as the agent RPC sends it and a cycle record keeps it (WireDecisionContextSchema): histories as
 * columns, without the in-process `historyColumns`. `explain` stays (a record replays with it; the contract drops it
 * from requests).
 */
export function contextToWire(ctx: DecisionContext): Wire<WireDecisionContext> {
  const { historyColumns: _inProcessOnly, ...rest } = ctx;
  return { ...(rest as Wire<DecisionContext>), snapshots: ctx.snapshots.map(snapshotToWire) };
}

/** The context an agent service hands its local agent: each snapshot's history back as Bar objects. */
export function contextFromWire(wire: WireDecisionContext): DecisionContext {
  const snapshots = wire.snapshots.map(
    ({ bars, ...rest }): MarketSnapshot => ({
      ...rest,
      history: columnsToBars(bars),
    }),
  );
  return { ...wire, snapshots };
}

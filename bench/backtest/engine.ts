/**
 * Engine overhead benchmark (issue 13, goal 3). Run alone: npx tsx bench/backtest/engine.ts [--quick]
 *
 * The SMA(10/30) crossover with backtrader's rules, run two ways on the same bars in the same bench run:
 * - floor: a bare loop over each symbol's Float64Array columns (no engine, no objects per bar);
 * - engine: the same rules as a Strategy through @ats/backtest's public API (runBacktest, MarketView, submitOrder).
 * Both must produce the same fills (symbol, side, date, price, quantity) and the same final equity, bit for bit; the
 * bench throws when they differ. It prints the engine's cost as a ratio to the floor, cold (first run in a fresh
 * process, JIT included) and warm (median of the runs after it), and the engine's rate against backtrader's.
 *
 * Backtrader's rules (its SMA crossover sample): SMA = mean of the last N closes; CrossOver(fast, slow) is +1 when the
 * last non-zero difference fast − slow was < 0 and now fast > slow, −1 the mirror case; not in the market and +1 →
 * buy the default sizer's stake (1 share); in the market and −1 → close the position; market orders fill at the
 * next bar's open; no commission, no slippage, price-only (no dividends). The averages here are rolling sums (one
 * add and one subtract per bar) in both runs, so the floor and the engine compute the very same doubles.
 *
 * Data: the 36 symbols of the data folder (loadConfig().data.dir, ohlcv/) over the history they all share, from
 * META's first day (2012-05-18) to the end of the files, used as is (no replication): 36 × 3,585 days = 129,060 bars
 * at the time of writing. A common calendar keeps backtrader's rule that the strategy acts once every data's
 * indicators are ready from being a question of listing dates.
 *
 * Each sample is a child process (clean heap, cold JIT); the bench runs floor and engine alternately, three pairs by
 * default (one with --quick), and reports medians with the load average before and after.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  type BacktestResult,
  type BarFeed,
  loadFeed,
  type MarketView,
  runBacktest,
  type Strategy,
  type StrategyContext,
} from '@ats/backtest';
import { dataFolderUniverse } from './data-folder';

const FAST = 10;
const SLOW = 30;
/** backtrader's default sizer: a fixed stake of one share. */
const STAKE = 1;
const INITIAL_CASH = 100_000;
/** The history all 36 symbols share (META listed on 2012-05-18). */
const COMMON_FROM = '2012-05-18';
/** backtrader's rate on this rule set, measured on this machine (issue 13): 13.7k bars/s. */
const BACKTRADER_BARS_PER_SEC = 13_700;
const GOALS = { maxRatioToFloor: 3, minMultipleOfBacktrader: 100 } as const;
const WARM_RUNS = 10;
const QUICK_WARM_RUNS = 4;

/**
 * Per-symbol state of the crossover: rolling sums, the last non-zero difference (backtrader's NonZeroDifference),
 * and the bars seen. `step` returns +1 (up-cross), −1 (down-cross) or 0 for a symbol's new bar.
 */
class CrossoverState {
  readonly fastSum: Float64Array;
  readonly slowSum: Float64Array;
  readonly lastNonZero: Float64Array;

  constructor(symbols: number) {
    this.fastSum = new Float64Array(symbols);
    this.slowSum = new Float64Array(symbols);
    this.lastNonZero = new Float64Array(symbols);
  }

  /** `bars` counts the symbol's bars including this one; `fastOut`/`slowOut` are the closes leaving each window. */
  step(i: number, bars: number, close: number, fastOut: number, slowOut: number): number {
    let fastSum = (this.fastSum[i] as number) + close;
    if (bars > FAST) fastSum -= fastOut;
    this.fastSum[i] = fastSum;
    let slowSum = (this.slowSum[i] as number) + close;
    if (bars > SLOW) slowSum -= slowOut;
    this.slowSum[i] = slowSum;
    if (bars < SLOW) return 0;
    const fast = fastSum / FAST;
    const slow = slowSum / SLOW;
    const difference = fast - slow;
    if (bars === SLOW) {
      this.lastNonZero[i] = difference;
      return 0;
    }
    const before = this.lastNonZero[i] as number;
    if (difference !== 0) this.lastNonZero[i] = difference;
    if (before < 0 && fast > slow) return 1;
    if (before > 0 && fast < slow) return -1;
    return 0;
  }
}

interface RunOutcome {
  /** One line per fill: symbol, side, fill time, price, quantity. */
  fills: string[];
  finalEquity: number;
}

/** Columns as the floor reads them: aligned symbols, so bar t of every symbol is the same day. */
interface Columns {
  symbols: readonly string[];
  ts: readonly string[];
  open: readonly Float64Array[];
  close: readonly Float64Array[];
}

function columnsOf(feed: BarFeed): Columns {
  return {
    symbols: feed.symbols,
    ts: feed.timestamps,
    open: feed.series.map((s) => s.open),
    close: feed.series.map((s) => s.close),
  };
}

/**
 * The floor: the same rules in one loop over Float64Array columns. Per day: pending sells fill at the open, then
 * pending buys (the engine's order, so cash is summed in the same order), then each symbol's crossover decides.
 */
function bareLoop(c: Columns): {
  fillSymbol: number[];
  fillDay: number[];
  fillQuantity: number[];
  finalEquity: number;
} {
  const n = c.symbols.length;
  const days = c.ts.length;
  const state = new CrossoverState(n);
  const held = new Float64Array(n);
  /** Signed shares ordered at the last close, 0 when none. */
  const pending = new Float64Array(n);
  const fillSymbol: number[] = [];
  const fillDay: number[] = [];
  const fillQuantity: number[] = [];
  let cash = INITIAL_CASH;
  for (let t = 0; t < days; t++) {
    for (let side = -1; side <= 1; side += 2) {
      for (let i = 0; i < n; i++) {
        const q = pending[i] as number;
        if (q === 0 || (q > 0 ? 1 : -1) !== side) continue;
        const price = (c.open[i] as Float64Array)[t] as number;
        const quantity = Math.abs(q);
        cash -= side * quantity * price + 0;
        held[i] = (held[i] as number) + q;
        pending[i] = 0;
        fillSymbol.push(i);
        fillDay.push(t);
        fillQuantity.push(q);
      }
    }
    const bars = t + 1;
    for (let i = 0; i < n; i++) {
      const close = c.close[i] as Float64Array;
      const cross = state.step(
        i,
        bars,
        close[t] as number,
        bars > FAST ? (close[t - FAST] as number) : 0,
        bars > SLOW ? (close[t - SLOW] as number) : 0,
      );
      if (cross === 0) continue;
      const quantity = held[i] as number;
      if (quantity === 0 && cross > 0) pending[i] = STAKE;
      else if (quantity > 0 && cross < 0) pending[i] = -quantity;
    }
  }
  let value = 0;
  for (let i = 0; i < n; i++) {
    const quantity = held[i] as number;
    if (quantity !== 0) value += quantity * ((c.close[i] as Float64Array)[days - 1] as number);
  }
  return { fillSymbol, fillDay, fillQuantity, finalEquity: cash + value };
}

function bareOutcome(c: Columns, run: ReturnType<typeof bareLoop>): RunOutcome {
  const fills: string[] = [];
  for (let k = 0; k < run.fillSymbol.length; k++) {
    const i = run.fillSymbol[k] as number;
    const t = run.fillDay[k] as number;
    const q = run.fillQuantity[k] as number;
    const price = (c.open[i] as Float64Array)[t] as number;
    fills.push(`${c.symbols[i]} ${q > 0 ? 'BUY' : 'SELL'} ${c.ts[t]} ${price} ${Math.abs(q)}`);
  }
  return { fills, finalEquity: run.finalEquity };
}

/** The same rules as an engine strategy: crossovers streamed in onStep, orders at the decision close. */
function backtraderSmaCross(): Strategy {
  let state = new CrossoverState(0);
  /** Symbols that crossed at this step, and which way. */
  let crossed = new Int32Array(0);
  let direction = new Int8Array(0);
  let crossedCount = 0;
  return {
    description: { name: 'sma-cross-backtrader', params: { fast: FAST, slow: SLOW, stake: STAKE } },
    start(view: MarketView) {
      state = new CrossoverState(view.symbols.length);
      crossed = new Int32Array(view.symbols.length);
      direction = new Int8Array(view.symbols.length);
    },
    onStep(view: MarketView) {
      crossedCount = 0;
      const printed = view.printedCount;
      for (let k = 0; k < printed; k++) {
        const i = view.printedSymbol(k);
        const bars = view.barCount(i);
        const cross = state.step(
          i,
          bars,
          view.close(i),
          bars > FAST ? view.close(i, FAST) : 0,
          bars > SLOW ? view.close(i, SLOW) : 0,
        );
        if (cross === 0) continue;
        crossed[crossedCount] = i;
        direction[crossedCount] = cross;
        crossedCount++;
      }
    },
    decide(ctx: StrategyContext) {
      for (let k = 0; k < crossedCount; k++) {
        const symbol = ctx.view.symbols[crossed[k] as number] as string;
        const quantity = ctx.portfolio.quantity(symbol);
        const cross = direction[k] as number;
        if (quantity === 0 && cross > 0) ctx.submitOrder({ symbol, side: 'BUY', quantity: STAKE });
        else if (quantity > 0 && cross < 0) ctx.submitOrder({ symbol, side: 'SELL', quantity });
      }
    },
  };
}

/** The engine's run of the bench (exported for engine-hashes.ts). */
export function runEngineBenchStrategy(feed: BarFeed): Promise<BacktestResult> {
  return runBacktest({
    feed,
    strategy: backtraderSmaCross(),
    config: {
      runId: 'bench-engine',
      initialCash: INITIAL_CASH,
      commission: { kind: 'none' },
      slippage: { kind: 'none' },
      creditDividends: false,
    },
  });
}

function engineOutcome(result: BacktestResult): RunOutcome {
  // With one share per order and ample cash, the engine's pre-trade and fill-time checks must change nothing.
  if (result.adjustments.length > 0) {
    throw new Error(
      `engine adjusted ${result.adjustments.length} orders, e.g. ${JSON.stringify(result.adjustments[0])}`,
    );
  }
  return {
    fills: result.fills.map((f) => `${f.symbol} ${f.side} ${f.filledAt} ${f.price} ${f.quantity}`),
    finalEquity: result.equityCurve.at(-1)?.equity ?? Number.NaN,
  };
}

/** The bench's bars: every data-folder symbol over their common history, checked to share one calendar. */
export async function loadEngineBenchFeed(): Promise<BarFeed> {
  const { provider, symbols } = dataFolderUniverse();
  const feed = await loadFeed(provider, symbols, { from: COMMON_FROM });
  for (const s of feed.series) {
    if (s.ts.length !== feed.timestamps.length) {
      throw new Error(
        `${s.symbol} has ${s.ts.length} bars, the calendar ${feed.timestamps.length}: not aligned`,
      );
    }
  }
  return feed;
}

interface Sample {
  kind: 'floor' | 'engine';
  bars: number;
  symbols: number;
  days: number;
  from: string;
  to: string;
  coldMs: number;
  warmMs: number[];
  /** CPU time of the process (user + system) over the same runs: less sensitive to other load than wall time. */
  coldCpuMs: number;
  warmCpuMs: number[];
  fills: number;
  fillsSha256: string;
  firstFills: string[];
  finalEquity: number;
}

function describe(feed: BarFeed, outcome: RunOutcome) {
  return {
    bars: feed.barCount,
    symbols: feed.symbols.length,
    days: feed.timestamps.length,
    from: feed.timestamps[0] ?? '',
    to: feed.timestamps.at(-1) ?? '',
    fills: outcome.fills.length,
    fillsSha256: createHash('sha256').update(outcome.fills.join('\n')).digest('hex'),
    firstFills: outcome.fills.slice(0, 3),
    finalEquity: outcome.finalEquity,
  };
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** One child process: load, then time a cold run and `warmRuns` warm runs of one kind. */
async function sample(kind: 'floor' | 'engine', warmRuns: number): Promise<Sample> {
  const feed = await loadEngineBenchFeed();
  const times: number[] = [];
  const cpu: number[] = [];
  let outcome: RunOutcome | undefined;
  if (kind === 'floor') {
    const columns = columnsOf(feed);
    for (let r = 0; r <= warmRuns; r++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const run = bareLoop(columns);
      times.push(performance.now() - started);
      cpu.push(cpuMs(process.cpuUsage(cpuBefore)));
      outcome ??= bareOutcome(columns, run);
    }
  } else {
    for (let r = 0; r <= warmRuns; r++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const result = await runEngineBenchStrategy(feed);
      times.push(performance.now() - started);
      cpu.push(cpuMs(process.cpuUsage(cpuBefore)));
      outcome ??= engineOutcome(result);
    }
  }
  return {
    kind,
    ...describe(feed, outcome as RunOutcome),
    coldMs: times[0] as number,
    warmMs: times.slice(1),
    coldCpuMs: cpu[0] as number,
    warmCpuMs: cpu.slice(1),
  };
}

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);

function spawnSample(kind: 'floor' | 'engine', warmRuns: number): Sample {
  const script = fileURLToPath(import.meta.url);
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, script, '--sample', kind, '--warm-runs', String(warmRuns)],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  return JSON.parse(out) as Sample;
}

/** Floor and engine, alternately in fresh processes; throws when their fills or final equity differ. */
export async function runEngineBench(options: { quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const pairs = options.quick ? 1 : 3;
  const warmRuns = options.quick ? QUICK_WARM_RUNS : WARM_RUNS;
  const loadBefore = loadavg();
  const floor: Sample[] = [];
  const engine: Sample[] = [];
  for (let p = 0; p < pairs; p++) {
    floor.push(spawnSample('floor', warmRuns));
    engine.push(spawnSample('engine', warmRuns));
  }
  const loadAfter = loadavg();
  const reference = floor[0] as Sample;
  for (const s of [...floor, ...engine]) {
    if (
      s.fillsSha256 !== reference.fillsSha256 ||
      s.finalEquity !== reference.finalEquity ||
      s.bars !== reference.bars
    ) {
      throw new Error(
        `${s.kind} differs from the floor: ${s.fills} fills (sha256 ${s.fillsSha256}, first ${JSON.stringify(s.firstFills)}), ` +
          `final equity ${s.finalEquity}; floor: ${reference.fills} fills (sha256 ${reference.fillsSha256}, first ` +
          `${JSON.stringify(reference.firstFills)}), final equity ${reference.finalEquity}`,
      );
    }
  }
  const summary = (samples: readonly Sample[], clock: 'wall' | 'cpu') => {
    const cold = samples.map((s) => (clock === 'wall' ? s.coldMs : s.coldCpuMs));
    const warm = samples.map((s) => median(clock === 'wall' ? s.warmMs : s.warmCpuMs));
    const coldMs = median(cold);
    const warmMs = median(warm);
    return {
      coldMs: round(coldMs),
      warmMs: round(warmMs, 3),
      coldBarsPerSec: perSecond(reference.bars, coldMs),
      warmBarsPerSec: perSecond(reference.bars, warmMs),
      coldSamplesMs: cold.map((x) => round(x)),
      warmSamplesMs: warm.map((x) => round(x, 3)),
    };
  };
  const floorSummary = { wall: summary(floor, 'wall'), cpu: summary(floor, 'cpu') };
  const engineSummary = { wall: summary(engine, 'wall'), cpu: summary(engine, 'cpu') };
  const ratioOf = (clock: 'wall' | 'cpu') => ({
    cold: round(engineSummary[clock].coldMs / floorSummary[clock].coldMs),
    warm: round(engineSummary[clock].warmMs / floorSummary[clock].warmMs),
  });
  const ratio = { wall: ratioOf('wall'), cpu: ratioOf('cpu') };
  const vsBacktraderOf = (clock: 'wall' | 'cpu') => ({
    cold: round(engineSummary[clock].coldBarsPerSec / BACKTRADER_BARS_PER_SEC, 1),
    warm: round(engineSummary[clock].warmBarsPerSec / BACKTRADER_BARS_PER_SEC, 1),
  });
  const vsBacktrader = { wall: vsBacktraderOf('wall'), cpu: vsBacktraderOf('cpu') };
  const met = (clock: 'wall' | 'cpu') => ({
    ratio: {
      cold: ratio[clock].cold <= GOALS.maxRatioToFloor,
      warm: ratio[clock].warm <= GOALS.maxRatioToFloor,
    },
    backtraderMultiple: {
      cold: vsBacktrader[clock].cold >= GOALS.minMultipleOfBacktrader,
      warm: vsBacktrader[clock].warm >= GOALS.minMultipleOfBacktrader,
    },
  });
  return {
    bench: 'backtest-engine',
    node: process.version,
    cpus: availableParallelism(),
    loadAverage1m: { before: round(loadBefore[0] ?? 0), after: round(loadAfter[0] ?? 0) },
    rules: `SMA(${FAST}/${SLOW}) crossover, backtrader's rules: stake ${STAKE}, next-open market orders, no costs`,
    data: {
      symbols: reference.symbols,
      days: reference.days,
      bars: reference.bars,
      from: reference.from,
      to: reference.to,
      source: 'data folder ohlcv/, every symbol over their common history, not replicated',
    },
    samples: { processesPerKind: pairs, warmRunsPerProcess: warmRuns, statistic: 'median' },
    identical: {
      fills: reference.fills,
      fillsSha256: reference.fillsSha256,
      finalEquity: reference.finalEquity,
    },
    clocks:
      'wall: performance.now() around each run; cpu: process.cpuUsage() user + system over the same run',
    floor: floorSummary,
    engine: engineSummary,
    ratioToFloor: ratio,
    backtrader: { barsPerSec: BACKTRADER_BARS_PER_SEC, measured: 'issue 13, this machine, not re-run here' },
    multipleOfBacktrader: vsBacktrader,
    goals: { ...GOALS, met: { wall: met('wall'), cpu: met('cpu') } },
  };
}

const sampleArg = process.argv.indexOf('--sample');
const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (sampleArg >= 0 && isMain) {
  const kind = process.argv[sampleArg + 1];
  if (kind !== 'floor' && kind !== 'engine') throw new Error(`unknown sample kind ${kind}`);
  const warmArg = process.argv.indexOf('--warm-runs');
  const warmRuns = warmArg >= 0 ? Number(process.argv[warmArg + 1]) : WARM_RUNS;
  process.stdout.write(JSON.stringify(await sample(kind, warmRuns)));
} else if (isMain) {
  console.log(JSON.stringify(await runEngineBench({ quick: process.argv.includes('--quick') }), null, 2));
}

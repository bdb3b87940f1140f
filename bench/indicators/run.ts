/**
 * Indicator benchmark: cost of updating the whole streaming IndicatorSet per bar, and batch throughput per indicator.
 * Run: npx tsx bench/indicators/run.ts [bars]   (default 1,000,000 random-walk daily bars). Prints one JSON object;
 * `goal2` is issue 13's agents' view (SymbolFeed push + MarketSnapshot per symbol-bar, goal ≤ 2 µs) with its ratio.
 */

import { availableParallelism, loadavg } from 'node:os';
import {
  buildTechnicalSnapshot,
  computeAtr,
  computeBollinger,
  computeEma,
  computeMacd,
  computeObv,
  computeRsi,
  computeSma,
  computeStochastic,
  computeSupportResistance,
  computeTrendStructure,
  computeVolumeProfile,
  computeVolumeSma,
  computeWilliamsR,
  detectBreakouts,
  detectDoubleTopsBottoms,
  detectMaCrossovers,
  IndicatorSet,
  type OhlcvBar,
} from '@ats/indicators';
import { measureAgentsView } from './agents-view';
import { compareLibraryWithOwn } from './library-vs-own';
import { randomWalkBars } from './random-walk-bars';

const BAR_COUNT = Number(process.argv[2] ?? 1_000_000);
const WARM_UP_BARS = 10_000;
/** Batches that return one object per bar (profiles, level lists) are measured on fewer bars to bound memory. */
const OBJECT_BATCH_BARS = Math.min(BAR_COUNT, 100_000);
/** Snapshots are built on fewer bars: each one builds the volume profile and the level clusters. */
const SNAPSHOT_BARS = Math.min(BAR_COUNT, 100_000);
/** Bars per pass of the library-vs-own comparison (each indicator runs 7 passes of each). */
const LIBRARY_VS_OWN_BARS = Math.min(BAR_COUNT, 100_000);

/**
 * Wall-clock ns of `run`, and the process CPU ns it used: on a shared machine the CPU figure is the steadier one
 * (it excludes time spent waiting for a core, but includes GC helper threads).
 */
function measure(run: () => void): { wallNs: number; cpuNs: number } {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  run();
  const wallNs = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpuStart);
  return { wallNs, cpuNs: (cpu.user + cpu.system) * 1000 };
}

function measureStreaming(bars: readonly OhlcvBar[]) {
  const set = new IndicatorSet();
  // Warm-up: fills every window and lets the JIT settle before timing.
  for (let i = 0; i < WARM_UP_BARS; i++) set.update(bars[i] as OhlcvBar);
  const timed = bars.length - WARM_UP_BARS;
  const updateAll = measure(() => {
    for (let i = WARM_UP_BARS; i < bars.length; i++) set.update(bars[i] as OhlcvBar);
  });

  const withSnapshots = new IndicatorSet();
  for (let i = 0; i < WARM_UP_BARS; i++) withSnapshots.update(bars[i] as OhlcvBar);
  const end = Math.min(bars.length, WARM_UP_BARS + SNAPSHOT_BARS);
  let checksum = 0;
  const withSnapshot = measure(() => {
    for (let i = WARM_UP_BARS; i < end; i++) {
      withSnapshots.update(bars[i] as OhlcvBar);
      checksum += buildTechnicalSnapshot(withSnapshots).rsi ?? 0;
    }
  });
  if (!Number.isFinite(checksum)) throw new Error('snapshot produced a non-finite RSI');
  const snapshotBars = end - WARM_UP_BARS;
  return {
    updateAllNsPerBar: round(updateAll.wallNs / timed),
    updateAllCpuNsPerBar: round(updateAll.cpuNs / timed),
    updateAllBarsTimed: timed,
    updateAllPlusSnapshotNsPerBar: round(withSnapshot.wallNs / snapshotBars),
    updateAllPlusSnapshotCpuNsPerBar: round(withSnapshot.cpuNs / snapshotBars),
    updateAllPlusSnapshotBarsTimed: snapshotBars,
  };
}

function measureBatches(bars: readonly OhlcvBar[]) {
  const closes = bars.map((b) => b.close);
  const objectBars = bars.slice(0, OBJECT_BATCH_BARS);
  const batches: [string, readonly unknown[], (input: readonly unknown[]) => unknown][] = [
    ['sma20', closes, (c) => computeSma(c as number[], 20)],
    ['sma200', closes, (c) => computeSma(c as number[], 200)],
    ['ema12', closes, (c) => computeEma(c as number[], 12)],
    ['macd', closes, (c) => computeMacd(c as number[])],
    ['rsi14', closes, (c) => computeRsi(c as number[])],
    ['stochastic', bars, (b) => computeStochastic(b as OhlcvBar[])],
    ['williamsR', bars, (b) => computeWilliamsR(b as OhlcvBar[])],
    ['bollinger', closes, (c) => computeBollinger(c as number[])],
    ['atr14', bars, (b) => computeAtr(b as OhlcvBar[])],
    ['volumeSma20', bars, (b) => computeVolumeSma(b as OhlcvBar[])],
    ['obv', bars, (b) => computeObv(b as OhlcvBar[])],
    ['maCrossover50_200', bars, (b) => detectMaCrossovers(b as OhlcvBar[])],
    ['rangeBreakout20', bars, (b) => detectBreakouts(b as OhlcvBar[])],
    ['doubleTopBottom', bars, (b) => detectDoubleTopsBottoms(b as OhlcvBar[])],
    ['trendStructure', objectBars, (b) => computeTrendStructure(b as OhlcvBar[])],
    ['volumeProfile50x24', objectBars, (b) => computeVolumeProfile(b as OhlcvBar[])],
    ['supportResistance', objectBars, (b) => computeSupportResistance(b as OhlcvBar[])],
  ];
  const results: Record<
    string,
    { bars: number; ms: number; barsPerSecond: number; cpuBarsPerSecond: number }
  > = {};
  let wallNsPerBar = 0;
  let cpuNsPerBar = 0;
  for (const [name, input, run] of batches) {
    run(input.slice(0, WARM_UP_BARS)); // JIT warm-up on a small slice
    const { wallNs, cpuNs } = measure(() => run(input));
    results[name] = {
      bars: input.length,
      ms: round(wallNs / 1e6),
      barsPerSecond: Math.round((input.length * 1e9) / wallNs),
      cpuBarsPerSecond: Math.round((input.length * 1e9) / cpuNs),
    };
    wallNsPerBar += wallNs / input.length;
    cpuNsPerBar += cpuNs / input.length;
  }
  return {
    perIndicator: results,
    allTogetherBarsPerSecond: Math.round(1e9 / wallNsPerBar),
    allTogetherCpuBarsPerSecond: Math.round(1e9 / cpuNsPerBar),
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

const loadAtStart = loadavg()[0] ?? Number.NaN;
const bars = randomWalkBars(BAR_COUNT);
const streaming = measureStreaming(bars);
// Issue 13 goal 2: the agents' view (SymbolFeed push + MarketSnapshot) per symbol-bar, against 2 µs.
const agentsView = measureAgentsView(SNAPSHOT_BARS);
const batch = measureBatches(bars);
const libraryVsOwn = compareLibraryWithOwn(LIBRARY_VS_OWN_BARS);
console.log(
  JSON.stringify(
    {
      benchmark: 'indicators',
      date: new Date().toISOString(),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: availableParallelism(),
      // Other work on the machine inflates every figure: read them with the load average in mind.
      loadAverage1mAtStart: round(loadAtStart),
      bars: BAR_COUNT,
      warmUpBars: WARM_UP_BARS,
      goal2: agentsView,
      streaming,
      batch: {
        ...batch,
        note: 'allTogether = 1 / sum of per-indicator ns per bar (each batch run once, sequentially)',
      },
      libraryVsOwn: {
        bars: LIBRARY_VS_OWN_BARS,
        perIndicator: libraryVsOwn,
        note: 'ADR 0020: trading-signals is used unless costRatio (library / own CPU ns per bar, medians) > 1.5',
      },
    },
    null,
    2,
  ),
);

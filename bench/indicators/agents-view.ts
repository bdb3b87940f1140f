/**
 * Issue 13 goal 2: the agents' view per symbol-bar, as a daily multi-agent backtest builds it: every bar is pushed
 * into the symbol's SymbolFeed (IndicatorSet update + bounded history) and a MarketSnapshot is taken after it
 * (indicator values, history, price). Also the update alone (the floor the snapshot is compared with).
 * Run alone: npx tsx bench/indicators/agents-view.ts [bars]
 */
import { SymbolFeed } from '@ats/agents';
import type { Bar } from '@ats/contracts';
import { IndicatorSet } from '@ats/indicators';
import { randomWalkBars } from './random-walk-bars';

/** Goal of issue 13: update + snapshot at most this many ns per symbol-bar. */
export const AGENTS_VIEW_GOAL_NS = 2_000;
const WARM_UP_BARS = 10_000;
const PASSES = 5;

function cpuNs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const round = (x: number) => Math.round(x * 10) / 10;

export function measureAgentsView(barCount: number) {
  const bars: Bar[] = randomWalkBars(barCount + WARM_UP_BARS).map((b) => ({
    ...b,
    symbol: 'SYN',
    timeframe: '1d' as const,
    adjusted: false,
  }));
  const timed = bars.length - WARM_UP_BARS;
  const update: number[] = [];
  const view: number[] = [];
  let checksum = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    const set = new IndicatorSet();
    for (let i = 0; i < WARM_UP_BARS; i++) set.update(bars[i] as Bar);
    update.push(
      cpuNs(() => {
        for (let i = WARM_UP_BARS; i < bars.length; i++) set.update(bars[i] as Bar);
      }) / timed,
    );
    const feed = new SymbolFeed('SYN');
    for (let i = 0; i < WARM_UP_BARS; i++) feed.push(bars[i] as Bar);
    view.push(
      cpuNs(() => {
        for (let i = WARM_UP_BARS; i < bars.length; i++) {
          feed.push(bars[i] as Bar);
          const snapshot = feed.snapshot();
          checksum += (snapshot.indicators.rsi14 ?? 0) + snapshot.history.length;
        }
      }) / timed,
    );
  }
  if (!Number.isFinite(checksum)) throw new Error('agents view produced a non-finite RSI');
  const updateNs = median(update);
  const viewNs = median(view);
  return {
    goal: 'IndicatorSet update + agents snapshot (SymbolFeed.push + snapshot) per symbol-bar',
    barsTimed: timed,
    passes: PASSES,
    updateCpuNsPerBar: round(updateNs),
    updatePlusSnapshotCpuNsPerBar: round(viewNs),
    floorNs: AGENTS_VIEW_GOAL_NS,
    /** measured / goal: ≤ 1 meets it. */
    ratioToGoal: Math.round((viewNs / AGENTS_VIEW_GOAL_NS) * 100) / 100,
    snapshotOverUpdate: Math.round((viewNs / updateNs) * 100) / 100,
    met: viewNs <= AGENTS_VIEW_GOAL_NS,
  };
}

if (process.argv[1]?.endsWith('agents-view.ts')) {
  console.log(JSON.stringify(measureAgentsView(Number(process.argv[2] ?? 200_000)), null, 2));
}

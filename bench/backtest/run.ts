/**
 * Backtest engine benchmark. Run: npx tsx bench/backtest/run.ts [--quick]
 * Each scenario runs in its own child process (clean heap, honest peak memory) and the parent prints one JSON object.
 * - sma.*: SMA(20/50) crossover baseline, bar-events/s (wall and CPU; CPU = user + system time of the run, i.e. per
 *   core, since the engine is single-threaded).
 * - multiAgent.*: the @ats/agents team with the offline reasoner, symbol-days/s, plus a breakdown on the real data
 *   (engine + snapshot plumbing only / + streaming indicators / full team).
 * - readmeMainJob.*: the README main command (the BacktestRequest defaults: its symbols, 2023, its warm-up bars, SPY
 *   benchmark), in process (runBacktestJob) and end to end (the CLI as a child process, as `nx run backtester:backtest`
 *   starts it).
 * - goal1.multiAgentUniverse: issue 13 goal 1, the multi-agent backtest (offline reasoner, daily decisions) on every
 *   symbol of the data folder over 2010–2026, cold (one run per fresh process, JIT included), three processes,
 *   median; printed with the goal (200k symbol-days/s, peak RSS < 500 MiB) and the ratio to it.
 * - engine: issue 13 goal 3, bench/backtest/engine.ts (the engine against a bare Float64Array loop), when present.
 * Data: 7 symbols × 11 years (2013–2023) from the data folder (loadConfig().data.dir, ohlcv/; the scenarios keep the
 * names `*.bundled` from when the repository carried these files) and a seeded random-walk universe of 500 symbols ×
 * 2,520 days.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  agentTeamStrategy,
  type BacktestConfig,
  type BacktestResult,
  type BarFeed,
  loadFeed,
  multiAgentStrategy,
  randomWalkFeed,
  runBacktest,
  type SnapshotSource,
  type Strategy,
  smaCrossover,
} from '@ats/backtest';
// The job the backtester's CLI runs: the bench times exactly what the README command runs.
import { runBacktestJob } from '@ats/backtest-jobs';
import { BacktestRequestSchema, type MarketSnapshot } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';
import { dataFolderOhlcvDir } from './data-folder';
import { runUniverse, type UniverseRun } from './multi-agent-universe';
import { PeakMemory } from './peak-memory';

const QUICK = process.argv.includes('--quick');
/** Issue 13 goal 1: symbol-days per second of the cold 36-symbol daily multi-agent run, and its peak RSS. */
const GOAL1_SYMBOL_DAYS_PER_SEC = 200_000;
const GOAL1_PEAK_RSS_MIB = 500;
const GOAL1_PROCESSES = QUICK ? 1 : 3;
const SYNTHETIC = { symbols: QUICK ? 100 : 500, days: 2520, seed: 42 };
const MEMORY_SAMPLE_EVERY = 20;

interface Measurement {
  runs: number;
  barEvents: number;
  symbolDays: number;
  bestWallMs: number;
  medianWallMs: number;
  bestCpuMs: number;
  fills: number;
  decisions: number;
  finalEquity: number;
  peakRssMiB: number;
  peakHeapUsedMiB: number;
}

/** One per process: each scenario runs in a child of its own. */
const memory = new PeakMemory();

async function measure(
  runs: number,
  feed: BarFeed,
  strategy: () => Strategy,
  config: Partial<BacktestConfig>,
): Promise<Measurement> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let last: BacktestResult | undefined;
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    last = await runBacktest({
      feed,
      strategy: strategy(),
      config,
      progressEvery: MEMORY_SAMPLE_EVERY,
      onProgress: memory.sample,
    });
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / 1000);
    wall.push(last.stats.wallMs);
  }
  memory.sample();
  const sorted = [...wall].sort((a, b) => a - b);
  const result = last as BacktestResult;
  return {
    runs,
    barEvents: result.stats.barEvents,
    symbolDays: result.stats.symbolDays,
    bestWallMs: round(sorted[0] as number),
    medianWallMs: round(sorted[Math.floor(sorted.length / 2)] as number),
    bestCpuMs: round(Math.min(...cpu)),
    fills: result.fills.length,
    decisions: result.decisions.length,
    finalEquity: round(result.equityCurve.at(-1)?.equity ?? 0),
    peakRssMiB: round(memory.rssMiB),
    peakHeapUsedMiB: round(memory.heapUsedMiB),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);

/** The seven symbols over 2013–2023 the benchmark has always measured on (the data folder holds 36 since 2010). */
const REAL_UNIVERSE = ['AAPL', 'AMZN', 'GOOGL', 'META', 'MSFT', 'NVDA', 'TSLA'];
const REAL_RANGE = { from: '2013-01-01', to: '2023-12-31' };

/** Daily bars from the configured data folder (DATA__DIR), never from the repository. */
const dataFolderBars = () => new LocalCsvProvider({ path: dataFolderOhlcvDir() });

async function bundledFeed(): Promise<BarFeed> {
  return loadFeed(dataFolderBars(), REAL_UNIVERSE, REAL_RANGE);
}

/** A team that holds nothing: isolates engine + snapshot plumbing from the agents' reasoning. */
const idleTeam = {
  runCycle: async (ctx: { asOf: string }) => ({
    decisions: [],
    risk: {
      asOf: ctx.asOf,
      valueAtRisk95: 0,
      valueAtRisk99: 0,
      conditionalValueAtRisk95: 0,
      conditionalValueAtRisk99: 0,
      currentDrawdown: 0,
      drawdownLimit: 1,
      maxWeightBySymbol: {},
      vetoes: [],
      reasoning: 'idle',
    },
    targets: [],
    degraded: [],
  }),
};

/** Snapshot of the last bar only: no indicators. */
function lastBarSource(symbol: string): SnapshotSource {
  let last: MarketSnapshot | undefined;
  return {
    push(bar) {
      last = {
        symbol,
        asOf: bar.ts,
        price: bar.close,
        volume: bar.volume,
        ohlc: { open: bar.open, high: bar.high, low: bar.low, close: bar.close },
        indicators: {},
        history: [],
        news: [],
      };
    },
    snapshot: () => last as MarketSnapshot,
  };
}

const BACKTESTER_MAIN = fileURLToPath(new URL('../../apps/backtester/src/main.ts', import.meta.url));

const SCENARIOS: Record<string, () => Promise<Record<string, unknown>>> = {
  // One cold run: the parent starts a fresh process for each sample.
  'goal1.multiAgentUniverse': async () => ({ ...(await runUniverse(false)) }),
  'readmeMainJob.inProcess': async () => {
    const request = BacktestRequestSchema.parse({});
    const bars = dataFolderBars();
    const runs = QUICK ? 2 : 5;
    const wall: number[] = [];
    let last: Awaited<ReturnType<typeof runBacktestJob>> | undefined;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      last = await runBacktestJob(request, { bars });
      wall.push(performance.now() - started);
      memory.sample();
    }
    const sorted = [...wall].sort((a, b) => a - b);
    const result = last as Awaited<ReturnType<typeof runBacktestJob>>;
    return {
      request: {
        symbols: request.symbols,
        start: request.start,
        end: request.end,
        warmupBars: request.warmupBars,
        attribution: request.attribution,
      },
      runs,
      backtestsPerJob: 1 + (result.attribution.length > 0 ? result.attribution.length - 1 : 0),
      steps: result.result.stats.steps,
      warmupSteps: result.result.stats.warmupSteps,
      symbolDays: result.result.stats.symbolDays,
      fills: result.result.fills.length,
      bestWallMs: round(sorted[0] as number),
      medianWallMs: round(sorted[Math.floor(sorted.length / 2)] as number),
      sharpe: result.performance.metrics.sharpe,
      peakRssMiB: round(memory.rssMiB),
    };
  },
  'readmeMainJob.cli': async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-backtest-cli-'));
    try {
      const started = performance.now();
      execFileSync(
        process.execPath,
        ['--import', 'tsx', BACKTESTER_MAIN, `--out=${out}`, '--store=never', '--no-progress', '--json'],
        { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: '1' } },
      );
      return {
        command: 'backtester main.ts --store=never --json',
        wallMs: round(performance.now() - started),
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
  'sma.bundled': async () => {
    const m = await measure(QUICK ? 5 : 20, await bundledFeed(), () => smaCrossover(), {});
    return {
      ...m,
      barEventsPerSecWall: perSecond(m.barEvents, m.bestWallMs),
      barEventsPerSecCpu: perSecond(m.barEvents, m.bestCpuMs),
    };
  },
  'sma.synthetic': async () => {
    const m = await measure(3, randomWalkFeed(SYNTHETIC), () => smaCrossover(), {});
    return {
      ...m,
      barEventsPerSecWall: perSecond(m.barEvents, m.bestWallMs),
      barEventsPerSecCpu: perSecond(m.barEvents, m.bestCpuMs),
    };
  },
  'multiAgent.bundled.plumbing': async () => {
    const strategy = () => multiAgentStrategy({ team: idleTeam, createSnapshotSource: lastBarSource });
    const m = await measure(3, await bundledFeed(), strategy, { rebalance: 'daily' });
    return { ...m, rebalance: 'daily', symbolDaysPerSecWall: perSecond(m.symbolDays, m.bestWallMs) };
  },
  'multiAgent.bundled.indicators': async () => {
    const { SymbolFeed } = await import('@ats/agents');
    const strategy = () =>
      multiAgentStrategy({ team: idleTeam, createSnapshotSource: (s) => new SymbolFeed(s) });
    const m = await measure(3, await bundledFeed(), strategy, { rebalance: 'daily' });
    return { ...m, rebalance: 'daily', symbolDaysPerSecWall: perSecond(m.symbolDays, m.bestWallMs) };
  },
  'multiAgent.bundled.daily': async () => {
    const m = await measure(1, await bundledFeed(), () => agentTeamStrategy({ recordReasoning: false }), {
      rebalance: 'daily',
    });
    return {
      ...m,
      rebalance: 'daily',
      symbolDaysPerSecWall: perSecond(m.symbolDays, m.bestWallMs),
      symbolDaysPerSecCpu: perSecond(m.symbolDays, m.bestCpuMs),
    };
  },
  'multiAgent.bundled.weekly': async () => {
    const m = await measure(1, await bundledFeed(), () => agentTeamStrategy({ recordReasoning: false }), {
      rebalance: 'weekly',
    });
    return {
      ...m,
      rebalance: 'weekly',
      symbolDaysPerSecWall: perSecond(m.symbolDays, m.bestWallMs),
      symbolDaysPerSecCpu: perSecond(m.symbolDays, m.bestCpuMs),
    };
  },
  'multiAgent.synthetic.weekly': async () => {
    const m = await measure(
      1,
      randomWalkFeed(SYNTHETIC),
      () => agentTeamStrategy({ recordReasoning: false }),
      {
        rebalance: 'weekly',
      },
    );
    return {
      ...m,
      rebalance: 'weekly',
      symbolDaysPerSecWall: perSecond(m.symbolDays, m.bestWallMs),
      symbolDaysPerSecCpu: perSecond(m.symbolDays, m.bestCpuMs),
    };
  },
};

const scenarioArg = process.argv.indexOf('--scenario');
if (scenarioArg >= 0) {
  const name = process.argv[scenarioArg + 1] as string;
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  process.stdout.write(JSON.stringify(await scenario()));
} else {
  const script = fileURLToPath(import.meta.url);
  const loadAtStart = round(loadavg()[0] ?? 0);
  const inChild = (name: string) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [...process.execArgv, script, '--scenario', name, ...(QUICK ? ['--quick'] : [])],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      ),
    );
  const results: Record<string, unknown> = {};
  const goal1Runs: UniverseRun[] = [];
  for (let i = 0; i < GOAL1_PROCESSES; i++) goal1Runs.push(inChild('goal1.multiAgentUniverse'));
  for (const name of Object.keys(SCENARIOS)) if (!name.startsWith('goal1.')) results[name] = inChild(name);
  const middle = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const rate = middle(goal1Runs.map((r) => r.symbolDaysPerSec));
  const rss = middle(goal1Runs.map((r) => r.peakRssMiB));
  const goal1 = {
    goal: 'multi-agent backtest, offline reasoner, daily, every data-folder symbol 2010–2026, cold, single process',
    runs: goal1Runs,
    medianSymbolDaysPerSec: rate,
    goalSymbolDaysPerSec: GOAL1_SYMBOL_DAYS_PER_SEC,
    /** measured / goal: ≥ 1 meets it. */
    ratio: round(rate / GOAL1_SYMBOL_DAYS_PER_SEC),
    medianPeakRssMiB: rss,
    goalPeakRssMiB: GOAL1_PEAK_RSS_MIB,
    /** measured / limit: < 1 meets it. */
    rssRatio: round(rss / GOAL1_PEAK_RSS_MIB),
    met: rate >= GOAL1_SYMBOL_DAYS_PER_SEC && rss < GOAL1_PEAK_RSS_MIB,
  };
  // Goal 3 (engine vs a bare loop) is bench/backtest/engine.ts, owned beside this file; printed when it is there.
  const engineBench = fileURLToPath(new URL('./engine.ts', import.meta.url));
  const engine = existsSync(engineBench)
    ? await (await import(engineBench)).runEngineBench({ quick: QUICK })
    : undefined;
  console.log(
    JSON.stringify(
      {
        bench: 'backtest',
        node: process.version,
        cpus: availableParallelism(),
        loadAverage1mAtStart: loadAtStart,
        loadAverage1mAtEnd: round(loadavg()[0] ?? 0),
        synthetic: SYNTHETIC,
        goal1,
        ...(engine === undefined ? {} : { engine }),
        results,
      },
      null,
      2,
    ),
  );
}

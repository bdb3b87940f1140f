/**
 * Issue 13 goal 1: the multi-agent backtest with the offline reasoner, daily decisions, on every symbol of the data
 * folder's ohlcv/ (36) over 2010–2026, cold: one run in a fresh process, JIT included. Prints one JSON object:
 * symbol-days per second of the backtest (bars loaded before the clock starts; load time printed beside it) and the
 * peak RSS of the process. Run: npx tsx bench/backtest/multi-agent-universe.ts [--reasoning]
 */
import { agentTeamStrategy, loadFeed, runBacktest } from '@ats/backtest';
import { dataFolderUniverse } from './data-folder';
import { PeakMemory } from './peak-memory';

export const UNIVERSE_RANGE = { from: '2010-01-01', to: '2026-12-31' } as const;

export interface UniverseRun {
  symbols: number;
  symbolDays: number;
  steps: number;
  decisions: number;
  fills: number;
  finalEquity: number;
  loadMs: number;
  backtestMs: number;
  cpuMs: number;
  symbolDaysPerSec: number;
  peakRssMiB: number;
  peakHeapUsedMiB: number;
  recordReasoning: boolean;
}

/** One cold run (call it once per process for a cold figure). */
export async function runUniverse(recordReasoning = false): Promise<UniverseRun> {
  const memory = new PeakMemory();
  const { provider, symbols } = dataFolderUniverse();
  const loadStart = performance.now();
  const feed = await loadFeed(provider, symbols, UNIVERSE_RANGE);
  const loadMs = performance.now() - loadStart;
  memory.sample();
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const result = await runBacktest({
    feed,
    strategy: agentTeamStrategy({ recordReasoning }),
    config: { rebalance: 'daily' },
    progressEvery: 50,
    onProgress: memory.sample,
  });
  const backtestMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  memory.sample();
  return {
    symbols: symbols.length,
    symbolDays: result.stats.symbolDays,
    steps: result.stats.steps,
    decisions: result.decisions.length,
    fills: result.fills.length,
    finalEquity: Math.round((result.equityCurve.at(-1)?.equity ?? 0) * 100) / 100,
    loadMs: Math.round(loadMs),
    backtestMs: Math.round(backtestMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    symbolDaysPerSec: Math.round((result.stats.symbolDays / backtestMs) * 1000),
    peakRssMiB: Math.round(memory.rssMiB * 10) / 10,
    peakHeapUsedMiB: Math.round(memory.heapUsedMiB * 10) / 10,
    recordReasoning,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) {
  process.stdout.write(`${JSON.stringify(await runUniverse(process.argv.includes('--reasoning')))}\n`);
}

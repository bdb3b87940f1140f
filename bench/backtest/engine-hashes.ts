/**
 * Result hashes of representative engine runs, to show an engine optimisation changes no result.
 * Run: npx tsx bench/backtest/engine-hashes.ts > before.json, change the engine, run again, diff.
 * Each line is sha256 of canonicalResultJson (RFC 8785, no wall-clock fields) of one run on the data folder's bars:
 * - sma.default: smaCrossover with the engine's defaults (per-share commission, 5 bp slippage, dividends,
 *   equal-weight benchmark) on all 36 symbols 2010–2026, listings and calendars unaligned;
 * - sma.weekly.volatility: weekly decisions, volatility slippage, a 2014 warm-up, SPY benchmark, capped weights;
 * - buyAndHold.monthly.volume: volume slippage, flat commission, an outside benchmark series, no dividends;
 * - engineBench: the backtrader-rules crossover of bench/backtest/engine.ts;
 * - agentTeam.daily: the offline agent team, daily, 2019–2020 on 12 symbols;
 * - readmeMainJob: the README main job (BacktestRequest defaults) through runBacktestJob, its whole output but
 *   for run ids and wall-clock fields.
 */
import { createHash } from 'node:crypto';
import {
  agentTeamStrategy,
  type BarFeed,
  buyAndHold,
  canonicalResultJson,
  loadFeed,
  runBacktest,
  smaCrossover,
} from '@ats/backtest';
import { runBacktestJob } from '@ats/backtest-jobs';
import { BacktestRequestSchema } from '@ats/contracts';
import { dataFolderUniverse } from './data-folder';
import { loadEngineBenchFeed, runEngineBenchStrategy } from './engine';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const { provider, symbols: all } = dataFolderUniverse();
const feedOf = (symbols: readonly string[], range: { from?: string; to?: string } = {}): Promise<BarFeed> =>
  loadFeed(provider, symbols, range);

const hashes: Record<string, string> = {};
const full = await feedOf(all);
hashes['sma.default'] = sha256(
  canonicalResultJson(await runBacktest({ feed: full, strategy: smaCrossover() })),
);
hashes['sma.weekly.volatility'] = sha256(
  canonicalResultJson(
    await runBacktest({
      feed: await feedOf(['AAPL', 'MSFT', 'NVDA', 'TSLA', 'SPY', 'XOM', 'META'], { from: '2013-01-01' }),
      strategy: smaCrossover({ fast: 10, slow: 30 }),
      config: {
        rebalance: 'weekly',
        slippage: { kind: 'volatility', k: 0.1 },
        tradeFrom: '2014-01-01T00:00:00.000Z',
        benchmark: { kind: 'symbol', symbol: 'SPY' },
        maxWeightPerSymbol: 0.3,
      },
    }),
  ),
);
const spy = await provider.loadBars('SPY', { from: '2015-01-01' });
hashes['buyAndHold.monthly.volume'] = sha256(
  canonicalResultJson(
    await runBacktest({
      feed: await feedOf(['AMD', 'JPM', 'KO', 'NFLX', 'QQQ'], { from: '2015-06-01', to: '2022-12-31' }),
      strategy: buyAndHold(),
      config: {
        rebalance: 'monthly',
        slippage: { kind: 'volume', impactCoefficient: 0.2 },
        commission: { kind: 'flat', perTrade: 2 },
        creditDividends: false,
        benchmark: {
          kind: 'series',
          symbol: 'SPY',
          ts: spy.map((b) => b.ts),
          value: spy.map((b) => b.close),
        },
      },
    }),
  ),
);
hashes.engineBench = sha256(canonicalResultJson(await runEngineBenchStrategy(await loadEngineBenchFeed())));
hashes['agentTeam.daily'] = sha256(
  canonicalResultJson(
    await runBacktest({
      feed: await feedOf(all.slice(0, 12), { from: '2019-01-01', to: '2020-12-31' }),
      strategy: agentTeamStrategy({ recordReasoning: false }),
      config: { rebalance: 'daily' },
    }),
  ),
);
const job = await runBacktestJob(BacktestRequestSchema.parse({}), { bars: provider, runId: 'hashes' });
hashes.readmeMainJob = sha256(
  JSON.stringify(job, (key, value) => (key === 'wallMs' || key === 'generatedAt' ? undefined : value)),
);
console.log(JSON.stringify(hashes, null, 2));

import { AdaptiveConsensusWeights, DEFAULT_CONSENSUS_WEIGHTS, DEFAULT_PORTFOLIO_CONFIG } from '@ats/agents';
import type { Bar } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../engine';
import { BarFeed } from '../feed';
import { agentTeamStrategy } from './agent-team';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA'];
const RANGE = { from: '2021-01-01', to: '2022-12-31' };
/** Bars after this are replaced in the second run: the future of every decision up to it. */
const CUT = '2022-06-30T00:00:00.000Z';

async function bars(): Promise<Map<string, Bar[]>> {
  const provider = new LocalCsvProvider();
  const out = new Map<string, Bar[]>();
  for (const symbol of SYMBOLS) out.set(symbol, await provider.loadBars(symbol, RANGE));
  return out;
}

/** The same bars up to CUT; after it every price is moved by a different factor per day (another future). */
function otherFuture(source: Map<string, Bar[]>): Map<string, Bar[]> {
  return new Map(
    [...source].map(([symbol, series]) => [
      symbol,
      series.map((bar, i) => {
        if (bar.ts <= CUT) return bar;
        const f = 1 + 0.03 * Math.sin(i * 1.7 + symbol.length);
        return {
          ...bar,
          open: bar.open * f,
          high: bar.high * f,
          low: bar.low * f,
          close: bar.close * f,
          ...(bar.adjClose === undefined ? {} : { adjClose: bar.adjClose * f }),
        };
      }),
    ]),
  );
}

async function adaptiveRun(series: Map<string, Bar[]>) {
  const weighting = new AdaptiveConsensusWeights(DEFAULT_CONSENSUS_WEIGHTS);
  const result = await runBacktest({
    feed: BarFeed.fromBars(series),
    strategy: agentTeamStrategy({ adaptiveWeights: weighting }),
    config: { rebalance: 'weekly' },
  });
  return { result, path: weighting.path };
}

describe('adaptive consensus weights in a backtest', () => {
  it('uses the weights path it records, and a different future leaves every weight up to then unchanged', async () => {
    const real = await bars();
    const a = await adaptiveRun(real);
    const b = await adaptiveRun(otherFuture(real));
    expect(a.path).toHaveLength(a.result.decisions.length);
    expect(a.path.some((p) => p.source === 'adaptive')).toBe(true);
    const upToCut = (path: typeof a.path) => path.filter((p) => p.asOf <= CUT);
    expect(upToCut(a.path).length).toBeGreaterThan(20);
    expect(upToCut(b.path)).toEqual(upToCut(a.path));
    // After the cut the futures differ, and so (eventually) do the outcomes and the weights.
    expect(b.path).not.toEqual(a.path);
  });
});

describe('the team without its risk manager (ablation)', () => {
  it('has no vetoes and sizes every position within one equal slot', async () => {
    const feed = BarFeed.fromBars(await bars());
    const config = { rebalance: 'weekly' as const };
    const withRisk = await runBacktest({ feed, strategy: agentTeamStrategy(), config });
    const without = await runBacktest({
      feed,
      strategy: agentTeamStrategy({ withoutRiskManager: true }),
      config,
    });
    const slot = (1 - DEFAULT_PORTFOLIO_CONFIG.cashBuffer) / DEFAULT_PORTFOLIO_CONFIG.maxPositions;
    const targets = without.decisions.flatMap((d) => d.targets);
    expect(Math.max(...targets.map((t) => t.targetWeight ?? 0))).toBeLessThanOrEqual(slot + 1e-9);
    expect(Math.max(...targets.map((t) => t.targetWeight ?? 0))).toBeGreaterThan(slot / 2);
    const vetoed = (r: typeof without) =>
      r.decisions.flatMap((d) => d.targets).filter((t) => /veto/.test(t.reasoning ?? ''));
    expect(vetoed(withRisk).length).toBeGreaterThan(0);
    expect(vetoed(without)).toHaveLength(0);
    expect(without.config.strategy.params).toMatchObject({ team: { riskManager: 'off (ablation)' } });
    expect(without.equityCurve.at(-1)?.equity).not.toBe(withRisk.equityCurve.at(-1)?.equity);
  });
});

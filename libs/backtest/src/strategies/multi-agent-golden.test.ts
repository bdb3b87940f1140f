/**
 * Golden results of the multi-agent backtest at universe scale: every symbol of the data folder's ohlcv/ (36)
 * over its whole history, with the offline team. sha256 of canonicalResultJson, recorded before the issue 13 speed
 * work (engine and agents' view alike); an optimisation must leave them unchanged, a deliberate behaviour change
 * re-records them and says why in the commit. Re-recorded once when canonicalResultJson became RFC 8785 (keys
 * sorted): in that run the insertion-order JSON still gave the first hashes (ccaae92a…, eb92eda0…) and both texts
 * parsed to deep-equal data of the same length.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { LocalCsvProvider } from '@ats/market-data';
import { dataFolderPath } from '@ats/tool-testing';
import { describe, expect, it } from 'vitest';
import { agentTeamStrategy, canonicalResultJson, loadFeed, runBacktest } from '../index';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function dataFolder(): { provider: LocalCsvProvider; symbols: string[] } {
  const ohlcv = dataFolderPath('ohlcv');
  const symbols = readdirSync(ohlcv)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => f.slice(0, -4))
    .sort();
  return { provider: new LocalCsvProvider({ path: ohlcv }), symbols };
}

describe('golden: the multi-agent backtest on every symbol of the data folder', { timeout: 600_000 }, () => {
  it('36 symbols, 2010–2026, daily, reasoning not recorded (the speed benchmark run)', async () => {
    const { provider, symbols } = dataFolder();
    expect(symbols).toHaveLength(36);
    const feed = await loadFeed(provider, symbols, { from: '2010-01-01', to: '2026-12-31' });
    const result = await runBacktest({
      feed,
      strategy: agentTeamStrategy({ recordReasoning: false }),
      config: { rebalance: 'daily' },
    });
    expect(result.stats.symbolDays).toBeGreaterThan(140_000);
    expect(sha256(canonicalResultJson(result))).toBe(
      'deebf769e6b0ecc9bb189ede3fceac7b61e34f3d67c7c8ecf308ed7906eb9694',
    );
  });

  it('36 symbols, 2019–2021 after a 2018 warm-up, weekly, with every reasoning text', async () => {
    const { provider, symbols } = dataFolder();
    const feed = await loadFeed(provider, symbols, { from: '2018-01-01', to: '2021-12-31' });
    const result = await runBacktest({
      feed,
      strategy: agentTeamStrategy(),
      config: { rebalance: 'weekly', tradeFrom: '2019-01-01T00:00:00.000Z' },
    });
    expect(result.fills.length).toBeGreaterThan(0);
    expect(sha256(canonicalResultJson(result))).toBe(
      '8f200ad07002cfcedce275a027689e9fb862e6c10964d7396dbe9580a86349c0',
    );
  });
});

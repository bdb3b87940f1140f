import { gzipSync } from 'node:zlib';
import { createAgentTeam, type DecisionContext, SymbolFeed } from '@ats/agents';
import type { Bar } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { CycleContextSchema } from './cycle-messages';
import { packContext, unpackContext } from './replay-cycle';

/** Two symbols' feeds, some bars with adjClose: a context as a cycle builds it (historyColumns included). */
function context(): DecisionContext {
  const feeds = ['AAA', 'BBB'].map((symbol, k) => {
    const feed = new SymbolFeed(symbol);
    for (let i = 0; i < 280; i++) {
      const close = 100 * (1 + 0.001 * (k + 1)) ** i * (1 + 0.01 * Math.sin(i / 4));
      const bar: Bar = {
        symbol,
        timeframe: '1d',
        ts: new Date(Date.UTC(2022, 0, 3) + i * 86_400_000).toISOString(),
        open: close * 0.996,
        high: close * 1.01,
        low: close * 0.99,
        close,
        volume: 2_000_000 + 10 * i,
        adjusted: false,
        ...(i % 3 === 0 ? { adjClose: close * 0.98 } : {}),
      };
      feed.push(bar);
    }
    return feed;
  });
  const snapshots = feeds.map((feed) => feed.snapshot());
  const asOf = snapshots[0]?.asOf as string;
  return {
    asOf,
    correlationId: 'cycle-pack-test',
    snapshots,
    historyColumns: feeds.map((feed) => feed.historyColumns()),
    news: [],
    portfolio: { asOf, cash: 50_000, equity: 100_000, positions: [] },
    equityHistory: [100_000],
    explain: false,
  };
}

describe('cycle context records', () => {
  it('hold the histories as columns and give back the context the team saw, explain included', async () => {
    const ctx = context();
    const packed = packContext(ctx);
    expect(packed.encoding).toBe('wire-json+gzip+base64');
    const { historyColumns: _inProcessOnly, ...seen } = ctx;
    const unpacked = unpackContext(packed);
    expect(unpacked).toEqual(JSON.parse(JSON.stringify(seen)));
    expect(unpacked.explain).toBe(false);
    const team = createAgentTeam({ pattern: 'sequential' });
    expect((await team.runCycle(unpacked)).decisions).toEqual((await team.runCycle(ctx)).decisions);
  });

  it('still read records written before, with Bar objects (json+gzip+base64)', () => {
    const { historyColumns: _inProcessOnly, ...seen } = context();
    const json = JSON.stringify(seen);
    const former = { encoding: 'json+gzip+base64' as const, context: gzipSync(json).toString('base64') };
    expect(CycleContextSchema.shape.encoding.parse(former.encoding)).toBe('json+gzip+base64');
    expect(unpackContext(former)).toEqual(JSON.parse(json));
    // The columns make the record smaller before gzip as after it.
    expect(packContext(context()).context.length).toBeLessThan(former.context.length);
  });
});

import type { DecisionContext } from '@ats/agents';
import type { Bar, EvidenceRequest, EvidenceSnapshot } from '@ats/contracts';
import { CASH_ACCOUNT_LIMITS, MapSizingBook, noCommission, type SizingResult } from '@ats/execution';
import { describe, expect, it } from 'vitest';
import { CycleCore } from './cycle-core';
import type { CycleTeam, TeamOutcome } from './ports';

const ASOF = '2024-01-03T00:00:00.000Z';
const bar = (symbol: string, close: number): Bar => ({
  symbol,
  ts: '2024-01-02T00:00:00.000Z',
  timeframe: '1d',
  open: close,
  high: close,
  low: close,
  close,
  volume: 1_000,
  adjusted: false,
});

/** A team that wants 50% of AAA and nothing said about BBB; it records what it was shown. */
function halfInAaa(seen: DecisionContext[]): CycleTeam {
  return {
    async runCycle(ctx): Promise<TeamOutcome> {
      seen.push(ctx);
      return {
        decisions: [],
        targets: [{ symbol: 'AAA', targetWeight: 0.5, score: 0.5, reasoning: 'test' }],
        degraded: [],
      };
    },
  };
}

const evidence: EvidenceSnapshot = {
  asOf: ASOF,
  symbols: ['AAA', 'BBB'],
  news: [
    {
      id: 'n1',
      source: 'test',
      publishedAt: '2024-01-02T15:00:00.000Z',
      availableAt: '2024-01-02T15:00:00.000Z',
      timePrecision: 'minute',
      title: 'AAA beats estimates',
      summary: '',
      symbols: ['AAA'],
    },
  ],
  social: [],
  mood: null,
  insider: [],
  institutional: [],
  sources: [],
};

describe('CycleCore', () => {
  it('runs the team on the evidence at the decision time and places sized orders, sells first', async () => {
    const requests: EvidenceRequest[] = [];
    const core = new CycleCore({
      symbols: ['AAA', 'BBB'],
      evidence: {
        evidenceAt: async (request) => {
          requests.push(request);
          return evidence;
        },
      },
    });
    core.push('AAA', bar('AAA', 10));
    core.push('BBB', bar('BBB', 20));
    const seen: DecisionContext[] = [];
    const steps: string[] = [];
    let placed: SizingResult | undefined;
    const book = new MapSizingBook({
      equity: 10_000,
      cash: 8_000,
      held: new Map([['BBB', 100]]),
      prices: new Map([
        ['AAA', 10],
        ['BBB', 20],
      ]),
    });
    const result = await core.run({
      asOf: ASOF,
      correlationId: 'run@1',
      team: halfInAaa(seen),
      portfolio: {
        asOf: ASOF,
        cash: 8_000,
        equity: core.markEquity(8_000, (s) => (s === 'BBB' ? 100 : 0)),
        positions: [
          { symbol: 'ZZZ', quantity: 0, averagePrice: 1, realizedPnl: 0 },
          { symbol: 'BBB', quantity: 100, averagePrice: 20, realizedPnl: 0, marketPrice: 20 },
        ],
      },
      decided: () => void steps.push('decided'),
      venue: {
        limits: CASH_ACCOUNT_LIMITS,
        commission: noCommission,
        book: () => book,
        place: (sized) => {
          steps.push('placed');
          placed = sized;
        },
      },
    });
    expect(requests).toEqual([{ symbols: ['AAA', 'BBB'], asOf: ASOF, windowDays: {} }]);
    const ctx = seen[0] as DecisionContext;
    expect(ctx.evidence).toBe(evidence);
    expect(ctx.news.map((n) => n.id)).toEqual(['n1']);
    expect(ctx.portfolio.equity).toBe(10_000);
    expect(ctx.portfolio.positions.map((p) => p.symbol)).toEqual(['BBB', 'ZZZ']);
    expect(ctx.equityHistory).toEqual([10_000]);
    expect(steps).toEqual(['decided', 'placed']);
    // BBB has no target: sold. AAA: 50% of 10,000 at 10, well inside the cash the sale frees.
    expect(result?.weights).toEqual(
      new Map([
        ['AAA', 0.5],
        ['BBB', 0],
      ]),
    );
    expect(placed?.orders.map((o) => [o.side, o.symbol, o.quantity])).toEqual([
      ['SELL', 'BBB', 100],
      ['BUY', 'AAA', 500],
    ]);
  });

  it('decides nothing before any bar, and passes no evidence without a port', async () => {
    const core = new CycleCore({ symbols: ['AAA'] });
    const seen: DecisionContext[] = [];
    const run = () =>
      core.run({
        asOf: ASOF,
        correlationId: 'run@1',
        team: halfInAaa(seen),
        portfolio: { asOf: ASOF, cash: 1_000, equity: 1_000, positions: [] },
        venue: {
          limits: CASH_ACCOUNT_LIMITS,
          commission: noCommission,
          book: () =>
            new MapSizingBook({
              equity: 1_000,
              cash: 1_000,
              held: new Map(),
              prices: new Map([['AAA', 10]]),
            }),
          place: () => {},
        },
      });
    expect(await run()).toBeUndefined();
    core.push('AAA', bar('AAA', 10));
    await run();
    expect(seen[0]?.evidence).toBeUndefined();
    expect(seen[0]?.news).toEqual([]);
  });
});

import type { DecisionContext } from '@ats/agents';
import {
  AgentMessages,
  type Bar,
  type BarColumns,
  type EvidenceSnapshot,
  type HistoryTail,
  type NewsItem,
  NewsItemSchema,
  WireDecisionContextSchema,
} from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import {
  barsToColumns,
  columnsToBars,
  contextFromWire,
  contextToWire,
  HISTORY_TAIL_BARS,
  HistoryUnknownError,
  HistoryWindows,
  historyDigest,
  MAX_HISTORY_WINDOWS,
} from './wire-context';

const WINDOW = 260;

/** Daily bars of one symbol, prices drifting with a wobble; every fifth bar carries an adjClose. */
function series(symbol: string, days: number, scale = 1): Bar[] {
  return Array.from({ length: days }, (_, i) => {
    const close = scale * 100 * 1.0007 ** i * (1 + 0.02 * Math.sin(i / 5));
    const bar: Bar = {
      symbol,
      timeframe: '1d',
      ts: new Date(Date.UTC(2021, 0, 4) + i * 86_400_000).toISOString(),
      open: close * 0.996,
      high: close * 1.012,
      low: close * 0.988,
      close,
      volume: 2_000_000 + 37 * i,
      adjusted: i % 7 === 0,
    };
    if (i % 5 === 0) bar.adjClose = close * 0.98;
    return bar;
  });
}

/** The history a cycle at bar `t` (exclusive end) sends: the last WINDOW bars. */
const windowAt = (bars: readonly Bar[], t: number) => bars.slice(Math.max(0, t - WINDOW), t);

function contextOf(histories: Record<string, Bar[]>): DecisionContext {
  const snapshots = Object.entries(histories).map(([symbol, history]) => {
    const last = history.at(-1) as Bar;
    return {
      symbol,
      asOf: last.ts,
      price: last.close,
      volume: last.volume,
      ohlc: { open: last.open, high: last.high, low: last.low, close: last.close },
      indicators: {},
      history,
      news: [],
    };
  });
  const asOf = snapshots[0]?.asOf as string;
  return {
    asOf,
    correlationId: `cycle-${asOf}`,
    snapshots,
    news: [],
    portfolio: { asOf, cash: 100_000, equity: 100_000, positions: [] },
  };
}

/** What an agent replica receives: the request through JSON and the contract, as the bus delivers it. */
function received(ctx: DecisionContext, tails: boolean) {
  const sent = { ctx: contextToWire(ctx, { tails }), priorDecisions: [] };
  const parsed = AgentMessages.analyzeSignalRequest.schema.parse(JSON.parse(JSON.stringify(sent)));
  return { bytes: JSON.stringify(sent).length, ctx: parsed.ctx };
}

/** Bars as BarSchema parses them (what a replica's agents get when the history comes whole). */
const asParsed = (history: readonly Bar[]) => columnsToBars(barsToColumns(history[0]?.symbol ?? '', history));

describe('histories as tails on the agent RPC (ADR 0025)', () => {
  it('give the replica the very bars the full history gives, cycle after cycle', () => {
    const aaa = series('AAA', 400);
    const bbb = series('BBB', 400, 3);
    const windows = new HistoryWindows();
    contextFromWire(
      received(contextOf({ AAA: windowAt(aaa, 300), BBB: windowAt(bbb, 300) }), false).ctx,
      windows,
    );
    for (let t = 301; t <= 320; t++) {
      const ctx = contextOf({ AAA: windowAt(aaa, t), BBB: windowAt(bbb, t) });
      const tails = received(ctx, true);
      expect(tails.ctx.snapshots.every((s) => s.barsTail?.tail.ts.length === HISTORY_TAIL_BARS)).toBe(true);
      const rebuilt = contextFromWire(tails.ctx, windows);
      const whole = contextFromWire(received(ctx, false).ctx);
      expect(rebuilt).toEqual(whole);
      expect(rebuilt.snapshots[0]?.history).toEqual(asParsed(windowAt(aaa, t)));
    }
    expect(windows.stats).toEqual({ rebuilt: 40, unknown: 0 });
  });

  it('are a fraction of the bytes of whole histories', () => {
    const aaa = series('AAA', 300);
    const ctx = contextOf({ AAA: windowAt(aaa, 300) });
    expect(received(ctx, true).bytes).toBeLessThan(received(ctx, false).bytes * 0.2);
  });

  it('are rebuilt after a replica missed up to HISTORY_TAIL_BARS - 1 cycles, and refused after more', () => {
    const aaa = series('AAA', 400);
    const windows = new HistoryWindows();
    contextFromWire(received(contextOf({ AAA: windowAt(aaa, 300) }), false).ctx, windows);
    const late = contextOf({ AAA: windowAt(aaa, 300 + HISTORY_TAIL_BARS) });
    expect(contextFromWire(received(late, true).ctx, windows).snapshots[0]?.history).toEqual(
      asParsed(windowAt(aaa, 300 + HISTORY_TAIL_BARS)),
    );
    const tooLate = contextOf({ AAA: windowAt(aaa, 301 + 2 * HISTORY_TAIL_BARS) });
    expect(() => contextFromWire(received(tooLate, true).ctx, windows)).toThrow(HistoryUnknownError);
    expect(windows.stats).toEqual({ rebuilt: 1, unknown: 1 });
  });

  it('are refused by a replica that holds other data for the symbol (the digest differs)', () => {
    const seen = series('AAA', 400);
    // The same dates with one bar revised in the part the tail does not carry.
    const revised = seen.map((bar, i) => (i === 200 ? { ...bar, close: bar.close * 1.0000001 } : bar));
    const windows = new HistoryWindows();
    contextFromWire(received(contextOf({ AAA: windowAt(seen, 300) }), false).ctx, windows);
    const error = (() => {
      try {
        contextFromWire(received(contextOf({ AAA: windowAt(revised, 301) }), true).ctx, windows);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HistoryUnknownError);
    expect((error as HistoryUnknownError).code).toBe('not_found');
    expect((error as Error).message).toMatch(
      /no window of AAA 1d that the tail ending 2021-\d\d-\d\dT.* continues/,
    );
    // A replica that has seen nothing refuses too.
    expect(() => contextFromWire(received(contextOf({ AAA: windowAt(seen, 301) }), true).ctx)).toThrow(
      HistoryUnknownError,
    );
  });

  it('keep a few windows per symbol, so runs at different dates share a replica, and forget the oldest', () => {
    const aaa = series('AAA', 1200);
    const windows = new HistoryWindows();
    const starts = [300, 500, 700, 900, 1100];
    for (const t of starts)
      contextFromWire(received(contextOf({ AAA: windowAt(aaa, t) }), false).ctx, windows);
    // The four newest are kept: each run continues from its own window.
    for (const t of starts.slice(1))
      expect(
        contextFromWire(received(contextOf({ AAA: windowAt(aaa, t + 1) }), true).ctx, windows),
      ).toBeDefined();
    expect(() =>
      contextFromWire(received(contextOf({ AAA: windowAt(aaa, 301) }), true).ctx, windows),
    ).toThrow(HistoryUnknownError);
  });

  it('forget the least recently used symbols beyond MAX_HISTORY_WINDOWS windows', () => {
    const windows = new HistoryWindows();
    const symbol = (i: number) => `S${i}`;
    const histories = Array.from({ length: MAX_HISTORY_WINDOWS + 1 }, (_, i) => series(symbol(i), 41));
    const remember = (i: number) =>
      contextFromWire(
        received(contextOf({ [symbol(i)]: windowAt(histories[i] as Bar[], 40) }), false).ctx,
        windows,
      );
    const continues = (i: number) => {
      try {
        contextFromWire(received(contextOf({ [symbol(i)]: histories[i] as Bar[] }), true).ctx, windows);
        return true;
      } catch (error) {
        if (error instanceof HistoryUnknownError) return false;
        throw error;
      }
    };
    for (let i = 0; i < MAX_HISTORY_WINDOWS; i++) remember(i);
    // S0 used again: its rebuilt history is one window more, so the least recently used symbol, S1, goes; one more
    // symbol then takes S2's place.
    expect(continues(0)).toBe(true);
    remember(MAX_HISTORY_WINDOWS);
    expect(continues(1)).toBe(false);
    expect(continues(2)).toBe(false);
    expect(continues(3)).toBe(true);
    expect(continues(MAX_HISTORY_WINDOWS)).toBe(true);
  });

  it('answer the requests of one cycle from the history rebuilt for the first', () => {
    const aaa = series('AAA', 400);
    const windows = new HistoryWindows();
    contextFromWire(received(contextOf({ AAA: windowAt(aaa, 300) }), false).ctx, windows);
    const ctx = received(contextOf({ AAA: windowAt(aaa, 301) }), true).ctx;
    const first = contextFromWire(ctx, windows).snapshots[0]?.history;
    const second = contextFromWire(ctx, windows).snapshots[0]?.history;
    expect(second).toBe(first);
  });

  it('go whole when a history is no longer than the tail', () => {
    const short = series('AAA', HISTORY_TAIL_BARS);
    const { ctx } = received(contextOf({ AAA: short }), true);
    expect(ctx.snapshots[0]?.bars?.ts).toHaveLength(HISTORY_TAIL_BARS);
    expect(ctx.snapshots[0]?.barsTail).toBeUndefined();
  });
});

describe('historyDigest', () => {
  const columns = barsToColumns('AAA', series('AAA', 40));
  const digest = historyDigest(columns);
  const changed = (change: (c: BarColumns) => void) => {
    const copy = structuredClone(columns);
    change(copy);
    return historyDigest(copy);
  };

  it('is the same after JSON, and for -0 and 0 (JSON carries no -0)', () => {
    expect(historyDigest(JSON.parse(JSON.stringify(columns)))).toBe(digest);
    const zero = { ...columns, volume: columns.volume.map((v, i) => (i === 3 ? 0 : v)) };
    const negativeZero = { ...columns, volume: columns.volume.map((v, i) => (i === 3 ? -0 : v)) };
    expect(historyDigest(negativeZero)).toBe(historyDigest(zero));
  });

  it('changes when any one field of a bar changes', () => {
    const digests = [
      changed((c) => {
        c.ts[5] = '2021-01-09T00:00:01.000Z';
      }),
      changed((c) => {
        c.open[5] = (c.open[5] as number) + 1e-9;
      }),
      changed((c) => {
        c.high[5] = (c.high[5] as number) + 1e-9;
      }),
      changed((c) => {
        c.low[5] = (c.low[5] as number) - 1e-9;
      }),
      changed((c) => {
        c.close[5] = (c.close[5] as number) + 1e-9;
      }),
      changed((c) => {
        c.volume[5] = (c.volume[5] as number) + 1;
      }),
      changed((c) => {
        c.adjusted[5] = !c.adjusted[5];
      }),
      changed((c) => {
        (c.adjClose as (number | null)[])[5] = 1;
      }),
      changed((c) => {
        (c.adjClose as (number | null)[])[0] = null;
      }),
      changed((c) => {
        c.symbol = 'AAB';
      }),
      changed((c) => {
        c.timeframe = '1h';
      }),
    ];
    expect(new Set([digest, ...digests]).size).toBe(digests.length + 1);
  });

  it('reads a missing adjClose column as no adjClose on any bar', () => {
    const none = barsToColumns(
      'AAA',
      series('AAA', 3).map(({ adjClose: _, ...bar }) => bar),
    );
    expect(none.adjClose).toBeUndefined();
    expect(historyDigest({ ...none, adjClose: [null, null, null] })).toBe(historyDigest(none));
  });
});

describe('the tail contract', () => {
  const ctx = contextToWire(contextOf({ AAA: series('AAA', 100) }), { tails: true });
  const snapshot = ctx.snapshots[0] as (typeof ctx.snapshots)[number];
  const tail = snapshot.barsTail as HistoryTail;

  it('takes exactly one of bars and barsTail', () => {
    const both = { ...ctx, snapshots: [{ ...snapshot, bars: tail.tail }] };
    const neither = { ...ctx, snapshots: [{ ...snapshot, barsTail: undefined }] };
    for (const wrong of [both, neither]) {
      const result = WireDecisionContextSchema.safeParse(wrong);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({
        path: ['snapshots', 0, 'bars'],
        message: 'a snapshot carries exactly one of bars (the whole history) and barsTail (its end)',
      });
    }
    expect(WireDecisionContextSchema.safeParse(ctx).success).toBe(true);
  });

  it('rejects a tail longer than its history and a digest that is not sha256 hex', () => {
    const short = { ...ctx, snapshots: [{ ...snapshot, barsTail: { ...tail, length: 3 } }] };
    expect(WireDecisionContextSchema.safeParse(short).error?.issues[0]).toMatchObject({
      path: ['snapshots', 0, 'barsTail', 'length'],
      message: `is 3, less than the ${HISTORY_TAIL_BARS} bars of the tail`,
    });
    const digest = { ...ctx, snapshots: [{ ...snapshot, barsTail: { ...tail, digest: 'ABC' } }] };
    expect(WireDecisionContextSchema.safeParse(digest).error?.issues[0]?.path).toEqual([
      'snapshots',
      0,
      'barsTail',
      'digest',
    ]);
  });
});

describe("a snapshot's news on the wire", () => {
  const news = ['AAA', 'BBB', 'AAA'].map((symbol, i) => ({
    id: `n${i}`,
    source: 'wire',
    publishedAt: `2021-03-0${i + 1}T12:00:00.000Z`,
    title: `${symbol} headline ${i}`,
    summary: '',
    symbols: [symbol],
  }));
  const base = contextOf({ AAA: series('AAA', 40), BBB: series('BBB', 40) });
  const ctx: DecisionContext = {
    ...base,
    news,
    snapshots: base.snapshots.map((s) => ({ ...s, news: news.filter((n) => n.symbols.includes(s.symbol)) })),
  };

  it("go as positions in the context's news and come back as the same items", () => {
    const { ctx: wire } = received(ctx, false);
    expect(wire.snapshots.map((s) => [s.news, s.newsAt])).toEqual([
      [[], [0, 2]],
      [[], [1]],
    ]);
    const back = contextFromWire(wire);
    expect(back.snapshots.map((s) => s.news)).toEqual(ctx.snapshots.map((s) => s.news));
    // The very items of the context's news, as in the process that built the context.
    expect(back.snapshots[0]?.news[1]).toBe(back.news[2]);
  });

  it('go as items when one of them is not among the context news', () => {
    const own = { ...news[0], id: 'own', title: 'only in the snapshot' } as (typeof news)[number];
    const odd = { ...ctx, snapshots: ctx.snapshots.map((s, i) => (i === 0 ? { ...s, news: [own] } : s)) };
    const { ctx: wire } = received(odd, false);
    expect(wire.snapshots[0]?.newsAt).toBeUndefined();
    expect(wire.snapshots[0]?.news).toEqual([own]);
    expect(contextFromWire(wire).snapshots[0]?.news).toEqual([own]);
  });

  it('are refused past the end of the context news, or beside news items', () => {
    const wire = contextToWire(ctx);
    const past = { ...wire, snapshots: wire.snapshots.map((s, i) => (i === 1 ? { ...s, newsAt: [3] } : s)) };
    expect(WireDecisionContextSchema.safeParse(past).error?.issues[0]).toMatchObject({
      path: ['snapshots', 1, 'newsAt', 0],
      message: "is 3, past the context's 3 news items",
    });
    const both = { ...wire, snapshots: wire.snapshots.map((s, i) => (i === 1 ? { ...s, news } : s)) };
    expect(WireDecisionContextSchema.safeParse(both).error?.issues[0]?.path).toEqual([
      'snapshots',
      1,
      'newsAt',
    ]);
  });
});

describe("a context's news on the wire", () => {
  const dated = ['AAA', 'BBB', 'AAA', 'BBB'].map((symbol, i) => ({
    id: `d${i}`,
    source: 'local-headlines',
    publishedAt: `2021-03-0${i + 1}T12:00:00.000Z`,
    title: `${symbol} headline ${i} \u2019quoted\u2019`,
    summary: '',
    url: `https://example.com/${i}`,
    symbols: [symbol],
    timePrecision: 'second' as const,
    availableAt: `2021-03-0${i + 1}T12:00:00.000Z`,
    publisher: 'Example',
  }));
  const base = contextOf({ AAA: series('AAA', 40), BBB: series('BBB', 40) });
  const evidence: EvidenceSnapshot = {
    asOf: base.asOf,
    symbols: ['AAA', 'BBB'],
    news: dated,
    social: [],
    mood: null,
    insider: [],
    institutional: [],
    sources: [],
  };
  // As the cycle core builds it: the context's news are the evidence's items, the snapshots' news among them.
  const news = [dated[0], dated[2], dated[3]] as NewsItem[];
  const ctx: DecisionContext = {
    ...base,
    news,
    evidence,
    snapshots: base.snapshots.map((s) => ({ ...s, news: news.filter((n) => n.symbols.includes(s.symbol)) })),
  };

  it("go as positions in the evidence's news and come back as the NewsItems they were", () => {
    const { ctx: wire, bytes } = received(ctx, false);
    expect(wire.news).toEqual([]);
    expect(wire.newsAt).toEqual([0, 2, 3]);
    const back = contextFromWire(wire);
    // The independent reference: the context's news as the contract's NewsItems (what a copy in `news` gives).
    const asItems = NewsItemSchema.array().parse(JSON.parse(JSON.stringify(news)));
    expect(JSON.stringify(back.news)).toBe(JSON.stringify(asItems));
    expect(back.snapshots.map((s) => s.news)).toEqual(
      ctx.snapshots.map((s) => asItems.filter((n) => n.symbols.includes(s.symbol))),
    );
    expect(back.snapshots[0]?.news[0]).toBe(back.news[0]);
    expect(back.evidence).toEqual(evidence);
    expect('newsAt' in back).toBe(false);
    // The copy it replaces.
    const copied = JSON.stringify({ ctx: { ...contextToWire(ctx), news: asItems, newsAt: undefined } });
    expect(bytes).toBeLessThan(copied.length);
  });

  it('go as items when one of them is not an evidence item, or there is no evidence', () => {
    const own = { ...news[0], id: 'own' } as NewsItem;
    const odd = { ...ctx, news: [...news, own] };
    expect(contextToWire(odd).newsAt).toBeUndefined();
    expect(contextFromWire(received(odd, false).ctx).news.map((n) => n.id)).toEqual([
      'd0',
      'd2',
      'd3',
      'own',
    ]);
    const { evidence: _none, ...noEvidence } = ctx;
    expect(contextToWire(noEvidence).newsAt).toBeUndefined();
  });

  it('are refused without evidence, past its news, or beside news items', () => {
    const wire = contextToWire(ctx);
    const issue = (value: unknown) => WireDecisionContextSchema.safeParse(value).error?.issues[0];
    expect(issue({ ...wire, evidence: undefined })).toMatchObject({
      path: ['newsAt', 0],
      message: "is 0, past the evidence's 0 news items",
    });
    expect(issue({ ...wire, newsAt: [0, 4] })).toMatchObject({
      path: ['newsAt', 1],
      message: "is 4, past the evidence's 4 news items",
    });
    expect(issue({ ...wire, news: [news[0]] })?.path).toEqual(['newsAt']);
    // A snapshot's positions count the news the context's positions give.
    const past = { ...wire, snapshots: wire.snapshots.map((s, i) => (i === 1 ? { ...s, newsAt: [3] } : s)) };
    expect(issue(past)).toMatchObject({
      path: ['snapshots', 1, 'newsAt', 0],
      message: "is 3, past the context's 3 news items",
    });
  });
});

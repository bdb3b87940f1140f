import type { OrchestrationPattern } from '@ats/agents';
import type { Bus } from '@ats/bus';
import type { AgentName, Bar, Clock, TickerSymbol } from '@ats/contracts';
import type { TeamReasoners } from '@ats/llm';
import {
  addDays,
  type BarSchedule,
  type BarSubscription,
  barIsClosed,
  type ExpectedBar,
  type MarketDataPort,
} from '@ats/market-data';
import type { TradingMetrics } from '@ats/metrics';
import type { Logger } from '@ats/observability';
import type { TradingStore } from '@ats/trading-state';
import { type AgentPlacement, teamFactory } from './agents';
import { cycleChannels } from './channels';
import { type CycleReport, CycleRunner } from './cycle-runner';
import { groupByDay, type TradingDay, WARMUP_CALENDAR_DAYS } from './trading-days';

export interface LiveOptions {
  readonly runId: string;
  readonly symbols: readonly TickerSymbol[];
  readonly pattern: OrchestrationPattern;
  readonly agents: AgentPlacement;
  readonly agentTimeoutMs?: Partial<Record<AgentName, number>>;
  /** Remote agents: how long a cycle waits for NATS to come back before the run fails (teamFactory's default). */
  readonly busOutageBudgetMs?: number;
  /** Embedded agents' LLM reasoners built by the process (embeddedReasoners); default per teamFactory. */
  readonly reasoners?: TeamReasoners;
  readonly namespace?: string;
  readonly initialCash: number;
  readonly bus: Bus;
  readonly store: TradingStore;
  /** Where history and new bars come from (in-process or the data gateway). */
  readonly marketData: MarketDataPort;
  readonly logger: Logger;
  readonly metrics?: TradingMetrics;
  readonly clock: Clock;
  /** When each next session's bar is due. */
  readonly schedule: BarSchedule;
  /** A bar not there this long after it was due is reported late (then again for each later session missed). */
  readonly lateAfterMs: number;
  /** After a session's first bar, how long its other symbols are waited for before the cycle runs without them. */
  readonly completeWithinMs: number;
  /** Stop after this many cycles (demos, tests); default: run until `signal` aborts. */
  readonly maxCycles?: number;
  readonly signal: AbortSignal;
  readonly onCycle?: (report: CycleReport, index: number) => void;
}

/** A bar that did not come by its due time plus the grace. */
export interface LateBar {
  readonly symbol: TickerSymbol;
  readonly session: string;
  readonly expectedAt: string;
  readonly lateByMs: number;
}

export interface LiveOutcome {
  readonly runId: string;
  readonly reports: CycleReport[];
  readonly lateBars: LateBar[];
  /** Cycles that failed (logged; the run went on). */
  readonly failedCycles: number;
  /** The last session a cycle ran on, or the last warm-up session when none did. */
  readonly lastSession: string | undefined;
  /** What the run was waiting for when it stopped. */
  readonly waitingFor: ExpectedBar | undefined;
}

/**
 * Live mode: warms the indicators up on the history the market-data port has up to now, then runs one decision
 * cycle per new session as its bars arrive (all symbols' bars, or those present once `completeWithinMs` has passed,
 * or once every missing symbol has moved on to a later session). A bar that has not come `lateAfterMs` after the
 * schedule says it is due is logged as a warning with its symbol and expected time, so a stalled feed is never
 * silent. Decisions only: no orders (paper trading replays stored bars through the paper broker).
 */
export async function runLive(o: LiveOptions): Promise<LiveOutcome> {
  const { logger, clock } = o;
  await o.store.openRun({
    runId: o.runId,
    kind: 'live',
    initialCash: o.initialCash,
    config: { symbols: [...o.symbols], mode: 'live', pattern: o.pattern, feed: o.marketData.name },
    startedAt: clock.now(),
  });
  const channels = cycleChannels(o.namespace);
  await o.bus.ensureTopology({ streams: [channels.stream] });
  const runner = new CycleRunner({
    runId: o.runId,
    mode: 'live',
    symbols: o.symbols,
    pattern: o.pattern,
    teamFor: teamFactory({
      placement: o.agents,
      bus: o.bus,
      namespace: o.namespace,
      timeoutMs: o.agentTimeoutMs,
      ...(o.reasoners ? { reasoners: o.reasoners } : {}),
      ...(o.busOutageBudgetMs === undefined ? {} : { busOutageBudgetMs: o.busOutageBudgetMs }),
      logger,
    }),
    store: o.store,
    bus: o.bus,
    channels,
    logger,
    metrics: o.metrics,
    // News, social, mood, insider and 13F at each decision time, from the same port as the bars.
    evidence: o.marketData,
  });

  const history = await warmUp(o, runner);
  const latestTs = new Map<TickerSymbol, string>(history.last);
  let lastSession = history.lastSession;
  const reports: CycleReport[] = [];
  const lateBars: LateBar[] = [];
  let failedCycles = 0;
  let stopped = false;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });

  // Cycles run one after another, in session order.
  let cycles: Promise<void> = Promise.resolve();
  const runCycle = (day: TradingDay) => {
    cycles = cycles.then(async () => {
      if (stopped) return;
      try {
        const report = await runner.advance(day);
        reports.push(report);
        o.onCycle?.(report, reports.length);
        if (o.maxCycles !== undefined && reports.length >= o.maxCycles) finish();
      } catch (err) {
        failedCycles += 1;
        o.metrics?.errors.inc({ component: 'cycle', kind: err instanceof Error ? err.name : 'Error' });
        logger.error({ err, session: day.ts.slice(0, 10) }, 'live cycle failed; waiting for the next bar');
      }
    });
  };

  // The late-bar watchdog: armed for the session after the last one seen.
  let waitingFor: ExpectedBar | undefined;
  let lateTimer: NodeJS.Timeout | undefined;
  const armLateCheck = (expected: ExpectedBar) => {
    clearTimeout(lateTimer);
    waitingFor = expected;
    const dueMs = expected.expectedAt.getTime() + o.lateAfterMs - clock.now().getTime();
    lateTimer = setTimeout(() => reportLate(expected), Math.max(0, dueMs));
  };
  const reportLate = (expected: ExpectedBar) => {
    if (stopped) return;
    const now = clock.now().getTime();
    for (const symbol of o.symbols) {
      const seen = latestTs.get(symbol)?.slice(0, 10);
      if (seen !== undefined && seen >= expected.session) continue;
      const late: LateBar = {
        symbol,
        session: expected.session,
        expectedAt: expected.expectedAt.toISOString(),
        lateByMs: now - expected.expectedAt.getTime(),
      };
      lateBars.push(late);
      logger.warn(late, `expected bar of ${symbol} for ${expected.session} has not come`);
    }
    // Still nothing: the next session still to come is watched the same way. Sessions already overdue (a feed that
    // stopped long ago) are not each reported: the warning above names the first one missing.
    let next = o.schedule.next(expected.session, expected.expectedAt);
    while (next.expectedAt.getTime() + o.lateAfterMs <= now)
      next = o.schedule.next(next.session, next.expectedAt);
    armLateCheck(next);
  };

  // Sessions whose bars are arriving, by bar open time.
  const pending = new Map<string, { bars: Map<TickerSymbol, Bar>; timer: NodeJS.Timeout }>();
  const flush = (ts: string, why: 'complete' | 'grace' | 'moved-on') => {
    const session = pending.get(ts);
    if (!session) return;
    clearTimeout(session.timer);
    pending.delete(ts);
    const missing = o.symbols.filter((s) => !session.bars.has(s));
    if (missing.length > 0) {
      logger.warn(
        { session: ts.slice(0, 10), missing, present: [...session.bars.keys()], why },
        'cycle runs without the bars that have not come',
      );
    }
    const date = ts.slice(0, 10);
    if (lastSession === undefined || date > lastSession) lastSession = date;
    armLateCheck(o.schedule.next(lastSession, clock.now()));
    runCycle({ ts, bars: session.bars });
  };
  const flushReady = () => {
    for (const ts of [...pending.keys()].sort()) {
      const bars = (pending.get(ts) as { bars: Map<TickerSymbol, Bar> }).bars;
      const missing = o.symbols.filter((s) => !bars.has(s));
      if (missing.length === 0) flush(ts, 'complete');
      // Bars come in order per symbol: one already past this session will never bring it.
      else if (missing.every((s) => (latestTs.get(s) ?? '') > ts)) flush(ts, 'moved-on');
      else break;
    }
  };
  const onBar = (bar: Bar) => {
    if (stopped) return;
    const symbol = bar.symbol as TickerSymbol;
    latestTs.set(symbol, bar.ts);
    let session = pending.get(bar.ts);
    if (!session) {
      session = {
        bars: new Map(),
        timer: setTimeout(() => {
          flush(bar.ts, 'grace');
          flushReady();
        }, o.completeWithinMs),
      };
      pending.set(bar.ts, session);
    }
    session.bars.set(symbol, bar);
    flushReady();
  };

  armLateCheck(
    o.schedule.next(lastSession ?? addDays(clock.now().toISOString().slice(0, 10), -1), clock.now()),
  );
  let subscription: BarSubscription | undefined;
  try {
    subscription = await o.marketData.subscribeBars(
      { symbols: o.symbols, timeframe: '1d', after: Object.fromEntries(latestTs) },
      onBar,
    );
    logger.info(
      { runId: o.runId, feed: o.marketData.name, lastSession, waitingFor },
      'live: waiting for new bars',
    );
    const aborted = new Promise<void>((resolve) => {
      if (o.signal.aborted) resolve();
      o.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([finished, aborted]);
  } finally {
    stopped = true;
    clearTimeout(lateTimer);
    for (const session of pending.values()) clearTimeout(session.timer);
    await subscription?.close();
    await cycles;
  }
  await o.store.finishRun(o.runId, o.signal.aborted ? 'cancelled' : 'completed', clock.now());
  return { runId: o.runId, reports, lateBars, failedCycles, lastSession, waitingFor };
}

/** Feeds the history up to now into the indicators; returns the last bar time per symbol and the last session. */
async function warmUp(
  o: LiveOptions,
  runner: CycleRunner,
): Promise<{ last: Map<TickerSymbol, string>; lastSession: string | undefined }> {
  const nowMs = o.clock.now().getTime();
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const from = addDays(today, -WARMUP_CALENDAR_DAYS);
  const bySymbol = new Map<TickerSymbol, Bar[]>();
  const last = new Map<TickerSymbol, string>();
  for (const symbol of o.symbols) {
    const { bars } = await o.marketData.fetchBars({ symbol, timeframe: '1d', from, to: today });
    const closed = bars.filter((bar) => barIsClosed(bar, nowMs));
    bySymbol.set(symbol, closed);
    const lastTs = closed.at(-1)?.ts;
    if (lastTs !== undefined) last.set(symbol, lastTs);
  }
  const days = groupByDay(bySymbol);
  for (const day of days) runner.warmUp(day);
  const lastSession = days.at(-1)?.ts.slice(0, 10);
  o.logger.info(
    { sessions: days.length, lastSession, feed: o.marketData.name },
    'live: indicators warmed up',
  );
  return { last, lastSession };
}

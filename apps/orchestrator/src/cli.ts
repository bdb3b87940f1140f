/**
 * Replays stored daily bars through analysis cycles: `npx nx run orchestrator:run --symbols=AAPL,MSFT
 * --replay-from=2023-01-01 --replay-to=2023-03-31 [--mode=paper] [--pattern=parallel] [--json] [--run-id=<id>]`,
 * or, with `--mode=live` and no replay window, runs one cycle per new daily bar until Ctrl-C (or --max-cycles).
 * Tables (or one JSON line per cycle) go to stdout, logs to stderr. Exit 0 done, 1 failed, 2 bad arguments.
 */
import { randomBytes } from 'node:crypto';
import { connectBus } from '@ats/bus';
import { configuredKeys, loadConfig } from '@ats/config';
import { systemClock } from '@ats/contracts';
import { createPrismaClient, ensureMigrations } from '@ats/db';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { configuredLlmBudget, describeLlmCostEstimate } from '@ats/llm';
import {
  cadenceSchedule,
  type MarketDataPort,
  MissingMarketDataError,
  nyseDailySchedule,
  openMarketDataPort,
  renderDownloadProgress,
} from '@ats/market-data';
import {
  createServiceRegistry,
  jetStreamConsumerLag,
  type MetricsServer,
  registerBusCollector,
  registerTradingMetrics,
  startMetricsServer,
} from '@ats/metrics';
import { createLogger } from '@ats/observability';
import { orderChannels } from '@ats/paper-broker';
import { outageTolerantStore, PrismaTradingStore } from '@ats/trading-state';
import { embeddedReasoners } from './agents';
import { type CliArgs, type LiveArgs, parseCliArgs, USAGE, UsageError, wantsHelp } from './cli-args';
import { type LiveOptions, runLive } from './live';
import { paperRunLlm } from './llm-budget';
import { configuredPaperCosts, EmptyReplayWindowError, type ReplayOptions, runReplay } from './replay';
import { cycleJson, degradedSummary, formatCycleTable, latencySummary } from './report';
import { loadReplayDays } from './trading-days';

/**
 * Chaos hooks: the process kills itself (SIGKILL) at a dangerous instant of the cycle on a trading date
 * (YYYY-MM-DD); tools/chaos resumes the run after it and compares the book with an uninterrupted run.
 */
const CHAOS_KILL_ENV = {
  /** Right after publishing the cycle's orders, before the intake records them. */
  afterPublish: 'ORCHESTRATOR_CHAOS_KILL_AFTER_PUBLISH_ON',
  /** Right after the first fill on that date's bar is committed, before its event and the bar's other fills. */
  afterFill: 'ORCHESTRATOR_CHAOS_KILL_AFTER_FILL_ON',
  /** With the cycle's snapshot (its commit) issued and not yet acknowledged. */
  midSnapshot: 'ORCHESTRATOR_CHAOS_KILL_MID_SNAPSHOT_ON',
  /** Right after the snapshot is stored, before the cycle's completion event. */
  afterSnapshot: 'ORCHESTRATOR_CHAOS_KILL_AFTER_SNAPSHOT_ON',
} as const;

async function main(rawArgv: string[]): Promise<number> {
  const argv = rawArgv.filter((a) => a !== '--');
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (argv.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const args = parseCliArgs(argv);
  const config = loadConfig();
  const busOutageBudgetMs = args.busOutageBudgetMs ?? config.orchestrator.busOutageBudgetMs;
  // A fresh database gets the schema here (one query when it is up to date): no `npm run db:migrate` first.
  await ensureMigrations({ databaseUrl: config.database.url });
  // Logs go to stderr so stdout stays the table or the JSON lines; quiet unless LOG_LEVEL asks for more.
  const logger = createLogger({
    service: 'orchestrator',
    level: process.env.LOG_LEVEL ?? 'warn',
    destination: process.stderr,
    secretValues: config.secretValues,
  });
  const runId =
    args.runId ?? `${args.mode}-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`;
  const bus = await connectBus({
    ...config.nats,
    name: 'orchestrator-cli',
    logger,
  });
  const prisma = createPrismaClient(config.database.url);
  // Embedded LLM agents cache their answers in Postgres, as the backtester's do: a re-run replay costs nothing.
  const reasoners = args.agents === 'embedded' ? await embeddedReasoners(config.llm, prisma) : undefined;
  // The run's spend limits (--llm-budget-usd over LLM__BUDGET_USD_PER_RUN, LLM__BUDGET_USD_PER_DAY): past them the
  // agents decide by their rules, and the summary says from which bar.
  const llm = await paperRunLlm(
    reasoners,
    config.llm.provider,
    configuredLlmBudget(config.llm, args.llmBudgetUsd),
    {
      prisma,
      clock: systemClock,
    },
  );
  // A Postgres restart (about a second) or a cut connection is waited out, with backoff, not a crash.
  const store = outageTolerantStore(new PrismaTradingStore(prisma), {
    onOutage: ({ operation, error }) => logger.warn({ operation, error }, 'Postgres unreachable: waiting'),
    onRecovered: ({ operation, waitedMs }) =>
      logger.warn({ operation, waitedMs: Math.round(waitedMs) }, 'Postgres reachable again'),
  });
  // With SERVICE__METRICS_PORT the replay is scraped like the service (paper marks, bus, the intake's lag).
  const registry = createServiceRegistry({ service: config.service.name ?? 'orchestrator-cli' });
  const metrics = registerTradingMetrics(registry);
  const intake = { stream: orderChannels(args.namespace).stream.name, durable: 'paper-broker' };
  registerBusCollector(registry, {
    stats: () => bus.stats(),
    consumerLag: jetStreamConsumerLag(bus.connection, [intake], (c, err) =>
      logger.debug({ ...c, err }, 'consumer lag unreadable'),
    ),
  });
  let stop = false;
  let server: MetricsServer | undefined;
  if (config.service.metricsPort !== undefined)
    server = await startMetricsServer({
      port: config.service.metricsPort,
      registry,
      health: () => ({ status: stop ? 'draining' : 'ok', runId }),
    });
  const interrupt = new AbortController();
  const onSignal = () => {
    stop = true;
    interrupt.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const colour = process.stdout.isTTY === true && !args.json;
  let provider: MarketDataPort | undefined;
  try {
    // Bars in a local store or downloaded once (or the data gateway's, DATA__MODE=distributed), checked up front.
    provider = await openMarketDataPort(config, {
      bus,
      logger,
      namespace: args.namespace,
      evidence: evidenceSourceFromConfig,
    });
    if (args.live) {
      return await live(args, args.live, {
        runId,
        symbols: args.symbols,
        pattern: args.pattern,
        agents: args.agents,
        agentTimeoutMs: agentTimeouts(args.agentTimeoutMs),
        ...(busOutageBudgetMs === undefined ? {} : { busOutageBudgetMs }),
        ...(llm ? { reasoners: llm.reasoners } : {}),
        namespace: args.namespace,
        initialCash: args.initialCash ?? config.trading.initialCapital,
        bus,
        store,
        marketData: provider,
        logger,
        metrics,
        clock: systemClock,
        signal: interrupt.signal,
      });
    }
    const from = args.from as string;
    const to = args.to as string;
    await provider.prefetch(
      args.symbols,
      { to },
      renderDownloadProgress(process.stderr, { onlyDownloads: true }),
    );
    if (llm) {
      const days = await loadReplayDays(provider, args.symbols, from, to);
      const estimate = llm.estimate(args.symbols.length, days.replay.length);
      if (estimate) process.stderr.write(`${describeLlmCostEstimate(estimate)}\n`);
    }
    const outcome = await runReplay({
      runId,
      symbols: args.symbols,
      mode: args.mode,
      pattern: args.pattern,
      from,
      to,
      initialCash: args.initialCash ?? config.trading.initialCapital,
      // TRADING__COMMISSION_BPS / _SLIPPAGE_BPS when set, as in a backtest; the paper broker's defaults otherwise.
      ...configuredPaperCosts(config.trading, configuredKeys()),
      agents: args.agents,
      agentTimeoutMs: agentTimeouts(args.agentTimeoutMs),
      ...(busOutageBudgetMs === undefined ? {} : { busOutageBudgetMs }),
      ...(llm ? { reasoners: llm.reasoners } : {}),
      namespace: args.namespace,
      speed: args.speed,
      bus,
      store,
      provider,
      // The sentiment agent sees the port's point-in-time evidence, as in a backtest of the same period.
      evidence: provider,
      logger,
      metrics,
      stopRequested: () => stop,
      ...chaosKillHooks(process.env),
      onCycle: (report, index, total) => {
        process.stdout.write(
          `${args.json ? cycleJson(report) : formatCycleTable(report, index, total, { colour })}\n`,
        );
      },
    });
    const degraded = degradedSummary(
      outcome.reports,
      args.maxDegradedShare ?? config.orchestrator.maxDegradedShare,
    );
    const summary = {
      type: 'summary',
      runId: outcome.runId,
      resumed: outcome.resumed,
      skippedCycles: outcome.skipped,
      ...outcome.settings,
      latency: outcome.reports.length > 0 ? latencySummary(outcome.reports) : null,
      equity: outcome.reports.at(-1)?.equity ?? null,
      degraded,
      interrupted: stop,
    };
    const byAgent = Object.entries(degraded.byAgent)
      .map(([agent, n]) => `${agent} ${n}`)
      .join(', ');
    process.stdout.write(
      args.json
        ? `${JSON.stringify(summary)}\n`
        : `run ${summary.runId}${summary.resumed ? ` (resumed, ${summary.skippedCycles} cycles already done)` : ''}: ` +
            `${outcome.reports.length} cycles, latency p50 ${summary.latency?.p50Ms ?? '-'} ms, ` +
            `p99 ${summary.latency?.p99Ms ?? '-'} ms (team p50 ${summary.latency?.teamP50Ms ?? '-'} ms), ` +
            `${degraded.degradedCycles} degraded (${(degraded.share * 100).toFixed(1)}%${byAgent ? `: ${byAgent}` : ''})\n`,
    );
    if (degraded.llmBudget) {
      const line =
        `LLM budget reached: rule-based decisions from ${degraded.llmBudget.reachedAt} ` +
        `(${degraded.llmBudget.cycles} cycles; $${llm?.ledger.spentUsd.toFixed(4) ?? '?'} spent)\n`;
      process.stderr.write(line);
      if (!args.json) process.stdout.write(line);
    }
    if (degraded.failed) {
      process.stderr.write(
        `error: ${degraded.degradedCycles} of ${degraded.cycles} cycles ran degraded ` +
          `(${(degraded.share * 100).toFixed(1)}% > ${(degraded.maxShare * 100).toFixed(1)}%, ` +
          `--max-degraded-share / ORCHESTRATOR__MAX_DEGRADED_SHARE)\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    await provider?.close();
    await server?.close();
    await bus.close();
    await prisma.$disconnect();
  }
}

/**
 * One line for the operator: Prisma's messages open with the invocation and an excerpt of our source (paths and
 * line numbers); what happened is their last line.
 */
function failureText(error: Error): string {
  if (!error.name.startsWith('PrismaClient')) return error.message;
  return `database error: ${error.message.trim().split('\n').at(-1)?.trim() ?? error.name}`;
}

/** The chaos kill points whose variables name a trading date (YYYY-MM-DD); none otherwise. */
function chaosKillHooks(
  env: NodeJS.ProcessEnv,
): Pick<ReplayOptions, 'onOrdersPublished' | 'onFillBooked' | 'onSnapshot'> {
  const dateOf = (point: keyof typeof CHAOS_KILL_ENV) => env[CHAOS_KILL_ENV[point]];
  const killOn = (point: keyof typeof CHAOS_KILL_ENV, iso: string) => {
    if (iso.slice(0, 10) === dateOf(point)) process.kill(process.pid, 'SIGKILL');
  };
  return {
    ...(dateOf('afterPublish')
      ? { onOrdersPublished: (_orders, day) => killOn('afterPublish', day.ts) }
      : {}),
    ...(dateOf('afterFill') ? { onFillBooked: (fill) => killOn('afterFill', fill.filledAt) } : {}),
    ...(dateOf('midSnapshot') || dateOf('afterSnapshot')
      ? {
          onSnapshot: (phase, day) => killOn(phase === 'writing' ? 'midSnapshot' : 'afterSnapshot', day.ts),
        }
      : {}),
  };
}

/** The same budget for each agent, or none. */
function agentTimeouts(ms: number | undefined) {
  return ms === undefined ? undefined : { technical: ms, sentiment: ms, risk: ms, portfolio: ms };
}

/**
 * A session's bars normally come in one publication; without a fixed pace the other symbols get a minute. The
 * gateway polls every DATA__PUBLISH_INTERVAL_MS (15 min by default), so a bar is due that long after the close and
 * is reported late half an hour after that.
 */
const LIVE_COMPLETE_WITHIN_MS = 60_000;
const LIVE_PUBLISH_DELAY_MS = 15 * 60_000;
const LIVE_LATE_AFTER_MS = 30 * 60_000;

/** `--mode=live` on new bars: cycle lines as they come, then a summary that says what it was waiting for. */
async function live(
  args: CliArgs,
  flags: LiveArgs,
  options: Omit<LiveOptions, 'schedule' | 'lateAfterMs' | 'completeWithinMs' | 'maxCycles' | 'onCycle'>,
): Promise<number> {
  const paced = flags.barIntervalMs;
  const colour = process.stdout.isTTY === true && !args.json;
  const outcome = await runLive({
    ...options,
    schedule: paced === undefined ? nyseDailySchedule(LIVE_PUBLISH_DELAY_MS) : cadenceSchedule(paced),
    // At a fixed pace, half an interval of slack either way.
    lateAfterMs: flags.lateAfterMs ?? (paced === undefined ? LIVE_LATE_AFTER_MS : Math.round(paced / 2)),
    completeWithinMs:
      flags.completeWithinMs ?? (paced === undefined ? LIVE_COMPLETE_WITHIN_MS : Math.round(paced / 2)),
    ...(flags.maxCycles === undefined ? {} : { maxCycles: flags.maxCycles }),
    onCycle: (report, index) => {
      const total = flags.maxCycles ?? index;
      process.stdout.write(
        `${args.json ? cycleJson(report) : formatCycleTable(report, index, total, { colour })}\n`,
      );
    },
  });
  const summary = {
    type: 'summary',
    runId: outcome.runId,
    mode: 'live',
    feed: options.marketData.name,
    cycles: outcome.reports.length,
    failedCycles: outcome.failedCycles,
    lateBars: outcome.lateBars,
    lastSession: outcome.lastSession ?? null,
    waitingFor: outcome.waitingFor
      ? { session: outcome.waitingFor.session, expectedAt: outcome.waitingFor.expectedAt.toISOString() }
      : null,
    latency: outcome.reports.length > 0 ? latencySummary(outcome.reports) : null,
    interrupted: options.signal.aborted,
  };
  const waiting = summary.waitingFor
    ? `; waiting for the ${summary.waitingFor.session} bar, due ${summary.waitingFor.expectedAt}`
    : '';
  process.stdout.write(
    args.json
      ? `${JSON.stringify(summary)}\n`
      : `run ${summary.runId} (live, ${summary.feed}): ${summary.cycles} cycles, ${summary.lateBars.length} late bars` +
          `, latency p50 ${summary.latency?.p50Ms ?? '-'} ms${waiting}\n`,
  );
  if (summary.cycles === 0) {
    // Never a silent "0 cycles": say what did not come.
    process.stderr.write(
      `warning: no new bar came for ${args.symbols.join(',')} after ${summary.lastSession ?? 'the start'}${waiting}\n`,
    );
  }
  return outcome.failedCycles > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      error instanceof UsageError
        ? `orchestrator run: ${error.message} (--help for usage)`
        : error instanceof Error
          ? failureText(error)
          : error,
    );
    // A usage error, or no bars to replay (none in any store, or none in the window; the message says which): 2.
    process.exitCode =
      error instanceof UsageError ||
      error instanceof MissingMarketDataError ||
      error instanceof EmptyReplayWindowError
        ? 2
        : 1;
  },
);

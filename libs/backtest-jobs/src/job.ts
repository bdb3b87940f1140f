import { createHash, randomBytes } from 'node:crypto';
import {
  type AdaptiveConsensusWeights,
  type AgentTeamConfigInput,
  type AgentTeamDeps,
  AnalystDecisionMemo,
  type Reasoner,
  type RiskConfig,
} from '@ats/agents';
import {
  agentTeamStrategy,
  type BacktestConfig,
  type BacktestProgress,
  type BacktestResult,
  BarFeed,
  type BenchmarkConfig,
  basisPointCosts,
  buyAndHold,
  type DecisionRecord as EngineDecision,
  type LlmUsage,
  runBacktest,
  type Strategy,
  smaCrossover,
} from '@ats/backtest';
import type { BacktestRequest, Bar, EvidenceRequest, EvidenceSnapshot } from '@ats/contracts';
import type { LlmCostEstimate } from '@ats/llm';
import {
  addDays,
  type BarBatch,
  type BarsQuery,
  DataQualityError,
  type DataQualityFinding,
  inspectDataQuality,
  nyseSessions,
  zeroVolumeDays,
} from '@ats/market-data';
import { computePerformance, type PerformanceReport } from '@ats/performance';
import {
  type AttributionRow,
  type BacktestReportInput,
  canonicalize,
  type DecisionRecord,
  type MemorisationProbeReport,
  type ReportDataQuality,
  type ReportWeightPath,
} from '@ats/reports';
import { backtestLlmEstimate, budgetStopTime, type LlmBudgetStopTime } from './llm-cost';
import { usageSince } from './llm-reasoner';
import { memorisationProbe, type ProbeAnonymisation } from './memorisation-probe';
import { ablationVariants, calibrationOf, type TeamVariant, weightingFor, weightPath } from './research';

/** Loads one symbol's daily bars up to a date (the bundled CSVs, Postgres or a provider chain). */
export interface BarSource {
  /** Bars up to `to`, from `from` when given (a source may return earlier ones too). */
  loadBars(symbol: string, options: { from?: string; to: string }): Promise<Bar[]>;
  /**
   * The same bars with the notes of the rows that were dropped (the market-data port has it), so the data check
   * can say which rows and why; a source without it is checked on its bars alone.
   */
  fetchBars?(query: BarsQuery): Promise<BarBatch>;
  /**
   * Point-in-time evidence of the five sentiment sources (the market-data port has it): the sentiment agent sees
   * it at each decision time. A source without it leaves the agents with prices only.
   */
  evidenceAt?(request: EvidenceRequest): Promise<EvidenceSnapshot>;
}

export interface BacktestJobDeps {
  readonly bars: BarSource;
  /** Default: the offline, rule-based reasoner. */
  readonly reasoner?: Reasoner;
  /** Each agent's own reasoner (buildReasoner: per-agent LLM settings), over `reasoner`. */
  readonly reasoners?: AgentTeamDeps['reasoners'];
  /** What each agent asks its model for (model, temperature, tokens, timeout, retries); default the agents' own. */
  readonly agentConfigs?: AgentTeamConfigInput['agents'];
  /** Cumulative LLM usage of the reasoners' clients; each run reports its own share. */
  readonly llmUsage?: () => LlmUsage;
  /** Agents that run elsewhere (e.g. agent services over NATS); the rest run in this process. */
  readonly agents?: Omit<AgentTeamDeps, 'reasoner' | 'reasoners'>;
  /** The risk manager's limits (TRADING__MAX_POSITION_WEIGHT / TRADING__VAR_LIMIT_99); default its own. */
  readonly risk?: Partial<RiskConfig>;
  readonly onProgress?: (progress: BacktestProgress & { variant: string }) => void;
  /** The run's unique id (default: newBacktestRunId), returned with the output to name the run. */
  readonly runId?: string;
  /** Strict data mode: any data-quality finding refuses the run (DataQualityError) instead of being reported. */
  readonly strictData?: boolean;
  /** Told the upper-bound LLM estimate (calls, tokens, dollars) once the bars are loaded, before any decision. */
  readonly onLlmEstimate?: (estimate: LlmCostEstimate) => void;
  /**
   * The memorisation probe's team (`request.anonymise`): the same reasoners behind an anonymising client
   * (buildReasoner's `anonymised`), and what they replace.
   */
  readonly anonymised?: ProbeAnonymisation & { readonly reasoners: NonNullable<AgentTeamDeps['reasoners']> };
}

export interface BacktestJobOutput {
  /** Unique per run (see newBacktestRunId). */
  readonly runId: string;
  readonly result: BacktestResult;
  readonly performance: PerformanceReport;
  readonly attribution: AttributionRow[];
  readonly report: BacktestReportInput;
  /** What the data check found in the bars of the run (traded symbols and benchmark ticker), also in the report. */
  readonly dataQuality: ReportDataQuality & { readonly findings: readonly DataQualityFinding[] };
  /** Decision times (all runs) where an agent failed and the team fell back (HOLD, fail-safe limits, rules). */
  readonly degradedDecisions: readonly {
    readonly variant: string;
    readonly ts: string;
    readonly note: string;
  }[];
  /** The decision time from which the LLM budget left the decisions to the rules; absent when it never did. */
  readonly llmBudgetStop?: LlmBudgetStopTime;
}

export class BacktestDataError extends Error {
  override readonly name = 'BacktestDataError';
}

/** The request asks for something the job was not given the means for (e.g. a probe without its reasoners). */
export class BacktestConfigError extends Error {
  override readonly name = 'BacktestConfigError';
}

/** The memorisation probe's run (neutral ids, shifted dates): its variant name and correlation id suffix. */
export const ANONYMISED_VARIANT = 'anonymised';

/**
 * Runs one backtest request end to end: point-in-time feed with a warm-up period, the chosen strategy on the
 * event-driven engine, performance metrics, agent attribution, and the report input.
 */
export async function runBacktestJob(
  request: BacktestRequest,
  deps: BacktestJobDeps,
): Promise<BacktestJobOutput> {
  const { bars, feed, benchmark, dataQuality: findings } = await loadBars(request, deps.bars);
  // Refused before any simulated day: a strict run never produces figures from repaired data.
  if (deps.strictData && findings.length > 0) throw new DataQualityError(findings);
  const dataQuality = {
    symbols: [
      ...bars.keys(),
      ...(benchmark.kind === 'series' && !bars.has(benchmark.symbol) ? [benchmark.symbol] : []),
    ],
    strict: deps.strictData ?? false,
    findings,
  };
  const runId = deps.runId ?? newBacktestRunId(request);
  // Every run of the job (full team, attribution variants, the probe's anonymised run) spends: the report says all.
  const jobUsage = deps.llmUsage ? usageSince(deps.llmUsage) : undefined;
  const estimate = deps.onLlmEstimate ? backtestLlmEstimate(request, feed.timestamps, deps) : undefined;
  if (estimate) deps.onLlmEstimate?.(estimate);
  const run = (strategy: Strategy, variant: string) =>
    runBacktest({
      feed,
      strategy,
      config: engineConfig(request, benchmark),
      ...(deps.onProgress
        ? { onProgress: (p: BacktestProgress) => deps.onProgress?.({ ...p, variant }) }
        : {}),
    });

  const degradedDecisions: { variant: string; ts: string; note: string }[] = [];
  const noteDegraded = (variant: string, decisions: readonly EngineDecision[]) => {
    for (const d of decisions)
      if (d.note?.startsWith('degraded')) degradedDecisions.push({ variant, ts: d.ts, note: d.note });
  };
  const correlationPrefix = requestRunPrefix(request);
  const weightPaths: ReportWeightPath[] = [];
  /**
   * One run of the team as `team` says (weights, weighting, risk manager on or off). `reasoning`: keep the agents'
   * reasoning texts in its decisions; an attribution run's report row is its metrics alone, so its rule-based agents
   * need not format them (an LLM agent reasons all the same).
   */
  const runTeam = async (
    team: TeamVariant,
    correlationRunId: string,
    teamDeps: BacktestJobDeps = deps,
    reasoning = true,
    analystMemo?: AnalystDecisionMemo,
  ) => {
    const weighting = weightingFor(team);
    const strategy = strategyFor(
      request,
      team,
      teamDeps,
      correlationRunId,
      weighting,
      reasoning,
      analystMemo,
    );
    const output = await run(strategy, team.variant);
    noteDegraded(team.variant, output.decisions);
    if (weighting) weightPaths.push(weightPath(team.variant, weighting));
    return output;
  };
  const fullTeam: TeamVariant = {
    variant: 'all',
    weights: request.weights,
    weighting: request.weighting ?? 'static',
    withoutRiskManager: false,
  };
  // With attribution variants to follow, they ask the rule-based analysts what the full team asks: the analysts
  // decide once per decision time (the full team's answers carry reasoning, which serves the variants too).
  const attributes = request.attribution && request.strategy === 'multi-agent';
  const analystMemo = attributes ? new AnalystDecisionMemo() : undefined;
  const result = await runTeam(fullTeam, correlationPrefix, deps, true, analystMemo);
  const performance = computePerformance(
    { equityCurve: result.equityCurve, trades: result.trades, fills: result.fills },
    { riskFreeRate: request.riskFreeRate },
  );

  let probe: MemorisationProbeReport | undefined;
  if (request.anonymise) {
    const { anonymised } = deps;
    if (!anonymised) throw new BacktestConfigError('anonymise: the job was given no anonymised reasoners');
    const blind = await runTeam(
      { ...fullTeam, variant: ANONYMISED_VARIANT },
      `${correlationPrefix}-${ANONYMISED_VARIANT}`,
      { ...deps, reasoners: anonymised.reasoners },
    );
    const blindMetrics = computePerformance(
      { equityCurve: blind.equityCurve, trades: blind.trades, fills: blind.fills },
      { riskFreeRate: request.riskFreeRate },
    ).metrics;
    probe = memorisationProbe(
      anonymised,
      { metrics: performance.metrics, decisions: result.decisions },
      { metrics: blindMetrics, decisions: blind.decisions },
    );
  }

  const attribution: AttributionRow[] = [];
  if (attributes) {
    attribution.push({ variant: 'all', metrics: performance.metrics });
    for (const team of ablationVariants(request)) {
      const { variant } = team;
      // Its own correlation ids: a variant's audit rows are not taken for the full team's (same times, symbols).
      const ablated = await runTeam(
        team,
        `${correlationPrefix}-${variantTag(variant)}`,
        deps,
        false,
        analystMemo,
      );
      const metrics = computePerformance(
        { equityCurve: ablated.equityCurve, trades: ablated.trades, fills: ablated.fills },
        { riskFreeRate: request.riskFreeRate },
      ).metrics;
      attribution.push({ variant, metrics });
    }
  }

  const llmBudgetStop = budgetStopTime(degradedDecisions);
  const report: BacktestReportInput = {
    title: `${strategyTitle(request)} — ${request.symbols.join(', ')} — ${request.start} to ${request.end}`,
    config: { request, engine: result.config },
    performance,
    equityCurve: result.equityCurve,
    trades: result.trades,
    fills: result.fills,
    decisions: flattenDecisions(result.decisions),
    llmUsage: {
      ...(jobUsage?.() ?? result.llmUsage),
      ...(llmBudgetStop
        ? { budgetExhaustedAt: llmBudgetStop.ts, budgetExhaustedInVariant: llmBudgetStop.variant }
        : {}),
    },
    attribution,
    // Every agent's calls against the forward returns they preceded, and the adaptive weights' paths.
    ...(request.strategy === 'multi-agent' ? { calibration: calibrationOf(result.decisions, bars) } : {}),
    ...(weightPaths.length > 0 ? { weightPaths } : {}),
    ...(probe ? { memorisationProbe: probe } : {}),
    benchmarkName:
      request.benchmark === 'equal-weight'
        ? 'Equal-weight B&H'
        : `${request.benchmark} (${request.dividends ? 'total return' : 'price only'})`,
    dataNotes: dataNotes(request, bars, result),
    dataQuality,
  };
  return {
    runId,
    result,
    performance,
    attribution,
    report,
    dataQuality,
    degradedDecisions,
    ...(llmBudgetStop ? { llmBudgetStop } : {}),
  };
}

/** The bars of a run: the traded universe and, when the benchmark is a ticker outside it, that ticker's series. */
interface LoadedBars {
  /** The traded symbols' bars (warm-up included), as loaded. */
  readonly bars: ReadonlyMap<string, readonly Bar[]>;
  readonly feed: BarFeed;
  readonly benchmark: BenchmarkConfig;
  /** Findings of the data check, symbol by symbol (the benchmark ticker last). */
  readonly dataQuality: DataQualityFinding[];
}

/**
 * Bars up to `end` for every symbol, keeping `warmupBars` bars before `start` so indicators (SMA 200, 60-day
 * correlations) are warm on the first trading day. The engine trades only from `start`. A benchmark ticker (SPY by
 * default, traded or not) is an untraded series: its total-return index (adjClose, i.e. dividends reinvested) with
 * dividends on, its close otherwise.
 */
async function loadBars(request: BacktestRequest, source: BarSource): Promise<LoadedBars> {
  const bySymbol = new Map<string, Bar[]>();
  const dataQuality: DataQualityFinding[] = [];
  for (const symbol of request.symbols) {
    const checked = await checkedBars(request, symbol, source);
    bySymbol.set(symbol, checked.bars);
    dataQuality.push(...checked.findings);
  }
  const feed = BarFeed.fromBars(bySymbol);
  if (request.benchmark === 'equal-weight') {
    return { bars: bySymbol, feed, benchmark: { kind: 'equal-weight' }, dataQuality };
  }
  let bars = bySymbol.get(request.benchmark);
  if (!bars) {
    const checked = await checkedBars(request, request.benchmark, source);
    bars = checked.bars;
    dataQuality.push(...checked.findings);
  }
  const totalReturn = request.dividends && bars.every((bar) => bar.adjClose !== undefined && !bar.adjusted);
  return {
    bars: bySymbol,
    feed,
    benchmark: {
      kind: 'series',
      symbol: request.benchmark,
      ts: bars.map((bar) => bar.ts),
      value: bars.map((bar) => (totalReturn ? (bar.adjClose as number) : bar.close)),
    },
    dataQuality,
  };
}

/**
 * One symbol's bars of the run (warm-up included) and what the data check finds in them: from the first warm-up
 * bar to `end`, and whether the data reaches from `start` to `end`.
 */
async function checkedBars(
  request: BacktestRequest,
  symbol: string,
  source: BarSource,
): Promise<{ bars: Bar[]; findings: DataQualityFinding[] }> {
  const read = async (from: string): Promise<SourceBatch> =>
    source.fetchBars
      ? await source.fetchBars({ symbol, timeframe: '1d', from, to: request.end })
      : {
          bars: await source.loadBars(symbol, { ...(from ? { from } : {}), to: request.end }),
          droppedRows: 0,
        };
  let batch = await read(barsReadFrom(request));
  // Fewer warm-up bars than asked (a series that starts later, days missing from the data): the whole history,
  // which is what the run would have had anyway.
  if (Math.max(firstTradingIndex(request, batch.bars), 0) < request.warmupBars) batch = await read('');
  const bars = withWarmup(request, symbol, batch.bars);
  const findings = inspectDataQuality({
    symbol,
    batch,
    inspectFrom: (bars[0] as Bar).ts.slice(0, 10),
    requested: { from: request.start, to: request.end },
  });
  return { bars, findings };
}

type SourceBatch = Pick<BarBatch, 'bars' | 'droppedRows' | 'rejectedRows' | 'duplicateDates'>;

/** NYSE sessions read beyond the warm-up, for days a series lacks, so that the whole-history read stays rare. */
const WARMUP_MARGIN_SESSIONS = 40;

/**
 * The first date a job reads bars from: `warmupBars` + WARMUP_MARGIN_SESSIONS NYSE sessions before `start`. A run
 * uses only the last `warmupBars` bars before `start`, so bars from here give it the same bars as the whole history
 * whenever at least that many come back (checkedBars reads the whole history otherwise), and the data check, which
 * inspects from the first warm-up bar on, finds the same. Normalising a 16-year file from its first row cost ~3,300
 * rows per symbol for a one-year run's ~520 (~100 ms of the README main job).
 */
export function barsReadFrom(request: Pick<BacktestRequest, 'start' | 'warmupBars'>): string {
  const wanted = request.warmupBars + WARMUP_MARGIN_SESSIONS;
  const dayBeforeStart = addDays(request.start, -1);
  // ~252 sessions a year: a first guess in calendar days, widened until it holds enough sessions.
  for (let days = Math.ceil((wanted * 365) / 250) + 10; ; days += 30) {
    const sessions = nyseSessions(addDays(request.start, -days), dayBeforeStart);
    if (sessions.length >= wanted) return sessions[sessions.length - wanted] as string;
  }
}

/** Index of the first bar dated on or after the request's start (bars in time order); -1 when there is none. */
function firstTradingIndex(request: BacktestRequest, bars: readonly Bar[]): number {
  return bars.findIndex((bar) => bar.ts.slice(0, 10) >= request.start);
}

function withWarmup(request: BacktestRequest, symbol: string, bars: readonly Bar[]): Bar[] {
  const first = firstTradingIndex(request, bars);
  if (first < 0) {
    throw new BacktestDataError(`no ${symbol} bars between ${request.start} and ${request.end}`);
  }
  return bars.slice(Math.max(0, first - request.warmupBars));
}

/** What a reader should know about the data behind the figures: dividends booked, zero-volume days. */
function dataNotes(
  request: BacktestRequest,
  traded: ReadonlyMap<string, readonly Bar[]>,
  result: BacktestResult,
): string[] {
  const notes: string[] = [];
  const tradeFrom = `${request.start}T00:00:00.000Z`;
  for (const [symbol, bars] of traded) {
    for (const day of zeroVolumeDays(bars.filter((bar) => bar.ts >= tradeFrom))) {
      notes.push(`${symbol} ${day}: volume 0 (no trades reported); its prices are used as given`);
    }
  }
  notes.push(
    request.dividends
      ? `cash dividends credited on ex-dates: ${result.dividends.toFixed(2)} (derived from adj_close vs close)`
      : 'price-only returns: dividends not credited (--price-only)',
  );
  return notes;
}

/**
 * A run id no other run shares: `<requestRunPrefix>-<8 random hex>`; runs of the same request share the prefix (easy
 * to group). It names the run in the output.
 */
export function newBacktestRunId(request: BacktestRequest): string {
  return `${requestRunPrefix(request)}-${randomBytes(4).toString('hex')}`;
}

/**
 * `bt-<strategy>-<8 hex of the canonical request>`: the team's correlation ids (`<prefix>@<bar time>`, the agents'
 * audit rows), so runs of different requests never share audit rows and attribution variants add their name. The
 * same request gives the same prefix: the agents' LLM prompts carry the correlation id today, and a per-run id
 * would defeat their cache. Results keep `bt-<strategy>` as the order id prefix and stay byte-identical.
 */
function requestRunPrefix(request: BacktestRequest): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(canonicalize(request)))
    .digest('hex');
  return `bt-${request.strategy}-${digest.slice(0, 8)}`;
}

/** 'technical only (without sentiment)' → 'technical-only': an attribution variant's run id suffix. */
function variantTag(variant: string): string {
  return variant
    .replace(/\s*\(.*\)$/, '')
    .replace(/[^a-z0-9]+/gi, '-')
    .toLowerCase();
}

function engineConfig(request: BacktestRequest, benchmark: BenchmarkConfig): Partial<BacktestConfig> {
  return {
    runId: `bt-${request.strategy}`,
    initialCash: request.capital,
    rebalance: request.rebalance,
    tradeFrom: `${request.start}T00:00:00.000Z`,
    ...basisPointCosts(request),
    benchmark,
    creditDividends: request.dividends,
  };
}

function strategyFor(
  request: BacktestRequest,
  team: Pick<TeamVariant, 'weights' | 'withoutRiskManager'>,
  deps: BacktestJobDeps,
  /** The team's correlation id prefix (see requestRunPrefix). */
  correlationRunId: string,
  /** Point-in-time adaptive weights (absent: the static `team.weights`). */
  adaptive?: AdaptiveConsensusWeights,
  /** Keep each decision's reasoning text (see runTeam). */
  recordReasoning = true,
  /** Rule-based analysts' decisions shared with the job's other runs. */
  analystMemo?: AnalystDecisionMemo,
): Strategy {
  const { weights } = team;
  switch (request.strategy) {
    case 'buy-and-hold':
      return buyAndHold();
    case 'sma-crossover':
      return smaCrossover({ fast: request.smaFast, slow: request.smaSlow });
    case 'multi-agent':
      return agentTeamStrategy({
        runId: correlationRunId,
        team: {
          weights,
          pattern: request.pattern,
          ...(deps.risk ? { risk: deps.risk } : {}),
          ...(deps.agentConfigs ? { agents: deps.agentConfigs } : {}),
        },
        ...(deps.reasoner ? { reasoner: deps.reasoner } : {}),
        ...(deps.reasoners ? { reasoners: deps.reasoners } : {}),
        agents: { ...deps.agents, ...(analystMemo ? { analystMemo } : {}) },
        ...(adaptive ? { adaptiveWeights: adaptive } : {}),
        ...(team.withoutRiskManager ? { withoutRiskManager: true } : {}),
        ...(recordReasoning ? {} : { recordReasoning: false }),
        ...(deps.bars.evidenceAt ? { evidence: { evidenceAt: (r) => sourceEvidence(deps.bars, r) } } : {}),
        // Created just before its run: the run's usage is what the shared client counted since.
        ...(deps.llmUsage ? { usage: usageSince(deps.llmUsage) } : {}),
      });
  }
}

function sourceEvidence(source: BarSource, request: EvidenceRequest): Promise<EvidenceSnapshot> {
  return (source.evidenceAt as NonNullable<BarSource['evidenceAt']>).call(source, request);
}

function strategyTitle(request: BacktestRequest): string {
  return request.strategy === 'multi-agent'
    ? `Multi-agent (${request.pattern}, ${request.weighting === 'adaptive' ? 'adaptive weights from ' : ''}technical ${request.weights.technical} / sentiment ${request.weights.sentiment})`
    : request.strategy === 'sma-crossover'
      ? 'SMA crossover baseline'
      : 'Buy and hold baseline';
}

/** The engine logs decisions per time; the report wants one row per time and symbol. */
function flattenDecisions(decisions: readonly EngineDecision[]): DecisionRecord[] {
  const rows: DecisionRecord[] = [];
  for (const decision of decisions) {
    const symbols = new Set([
      ...decision.signals.map((s) => s.symbol),
      ...decision.targets.map((t) => t.symbol),
    ]);
    for (const symbol of symbols) {
      rows.push({
        ts: decision.ts,
        symbol,
        agents: decision.signals
          .filter((s) => s.symbol === symbol)
          .map((s) => ({
            agent: s.agent,
            signal: s.signal,
            confidence: s.confidence,
            reasoning: s.reasoning ?? '',
          })),
        targetWeight: decision.targets.find((t) => t.symbol === symbol)?.targetWeight ?? 0,
      });
    }
  }
  return rows;
}

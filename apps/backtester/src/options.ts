import { parseArgs } from 'node:util';
import {
  type AgentName,
  AgentNameSchema,
  type BacktestRequest,
  BacktestRequestSchema,
  parseContract,
} from '@ats/contracts';
import { DEFAULT_REMOTE_AGENTS } from './defaults';
import { parseSweepAxis, parseWalkForward, type SweepAxis, type WalkForward } from './sweep';

export interface CliOptions {
  readonly request: BacktestRequest;
  /** Folder for the JSON and HTML reports, as given (resolved by resolveOutDir). */
  readonly outDir: string | undefined;
  /** Print the canonical JSON report instead of the console summary. */
  readonly json: boolean;
  readonly progress: boolean;
  /** Store the result in Postgres: `auto` when DATABASE__URL answers, `never`, or `always` (fail without it). */
  readonly store: 'auto' | 'always' | 'never';
  readonly help: boolean;
  /** `nats`: agents in DEFAULT_REMOTE_AGENTS (or --remote-agents) run as services, reached over NATS. */
  readonly bus: 'none' | 'nats';
  readonly remoteAgents: readonly AgentName[];
  /** Sweep axes and walk-forward windows: when given, the cases go to the work queue as jobs. */
  readonly sweep: readonly SweepAxis[];
  readonly walkForward: WalkForward | undefined;
  /** After queueing a sweep, wait for its results in Postgres and print the table. */
  readonly wait: boolean;
  readonly waitTimeoutMs: number;
  /**
   * `--workers=N` with `--sweep` / `--walk-forward`: run the cases here on N worker threads (offline reasoner, no
   * servers) instead of queueing them; undefined: the work queue.
   */
  readonly workers: number | undefined;
  /** Run as a worker on the backtest work queue (nx run backtester:start). */
  readonly worker: boolean;
  /** Prefix of the job queue's and the agents' subjects (side-by-side deployments, tests); none by default. */
  readonly namespace: string | undefined;
  /** `--strict-data` / `--no-strict-data`; undefined when neither is given (the DATA__STRICT setting decides). */
  readonly strictData: boolean | undefined;
  /** `--llm-budget-usd`: hard LLM spend limit of this run in USD, over LLM__BUDGET_USD_PER_RUN; undefined: the setting. */
  readonly llmBudgetUsd: number | undefined;
}

const DEFAULT_WAIT_TIMEOUT_S = 3600;

export const USAGE = `Backtest the multi-agent strategy (or a baseline) on daily bars from the data folder (DATA__DIR),
downloaded once into the cache (DATA__CACHE_DIR) when a symbol is in neither.

usage: nx run backtester:backtest [--symbols=AAPL,GOOGL] [--start=2023-01-01] [--end=2023-12-31] [options]

  --symbols=LIST          comma list of tickers (default AAPL,MSFT,NVDA,AMZN,META,TSLA,JPM,XOM,UNH)
  --start, --end          first and last trading date, YYYY-MM-DD (default 2023-01-01 .. 2023-12-31)
  --capital=N             initial cash (default 100000)
  --strategy=NAME         multi-agent | sma-crossover | buy-and-hold (default multi-agent)
  --sma-fast, --sma-slow  periods of the sma-crossover SMAs, fast < slow (default 20 and 50)
  --weights=t=0.6,s=0.4   consensus weights of the technical and sentiment agents
  --weights=MODE          static (default) | adaptive: point-in-time weights from each analyst's realised
                          calibration (docs/metrics.md), the t=,s= weights as fallback (adaptive,t=0.7,s=0.3)
  --pattern=NAME          sequential | parallel | hierarchical (default sequential)
  --rebalance=FREQ        daily | weekly | monthly (default weekly)
  --commission-bps=N      commission in basis points (default: per-share IBKR fixed tier)
  --slippage-bps=N        slippage in basis points per side (default 5)
  --risk-free=R           annual risk-free rate for Sharpe/Sortino (default 0)
  --warmup-bars=N         bars before --start that warm indicators up, without trading (default 251)
  --benchmark=X           a ticker, traded or not (default SPY), or equal-weight (the universe bought and held)
  --price-only            no cash dividends: price returns for the strategy and the benchmark (default: total return)
  --llm=PROVIDER          offline (default) | openai | anthropic | openai-compatible (uses LLM__* settings)
  --llm-budget-usd=N      hard LLM spend limit of this run in USD (default LLM__BUDGET_USD_PER_RUN, unset: none);
                          once reached, the remaining decisions are rule-based (LLM__BUDGET_USD_PER_DAY also applies)
  --no-attribution        skip the per-agent attribution runs
  --anonymise             memorisation probe (needs --llm): run the LLM team again with tickers and company names
                          replaced by neutral ids and dates shifted, and report both runs side by side with the gap
  --out=DIR               report folder (default: reports/ at the workspace root)
  --json                  print the canonical JSON report instead of the summary table
  --strict-data           refuse to run (exit 2) when the data check finds anything (rows dropped, duplicated
                          dates, gaps, bad ticks, dates the data does not reach) instead of reporting it
                          (default: DATA__STRICT, false)
  --no-progress           no progress bar
  --store=MODE            auto (default: store in Postgres when it answers and has this build's migrations)
                          | always (refuse before running when it cannot) | never
  --bus=MODE              none (default: every agent in this process) | nats (agents as services over NATS)
  --remote-agents=LIST    with --bus=nats, which agents run as services (default technical,sentiment,risk;
                          the portfolio manager stays local as it carries this run's weights)
  --sweep=PATH=V1,V2,...  queue one job per value (repeat for a grid), e.g. --sweep=weights.technical=0.4,0.6,0.8
  --walk-forward=PERIOD   split start..end into consecutive windows (6m, 1y), one job per window (and sweep case)
  --workers=N             run the sweep here on N worker threads (offline reasoner, no NATS or Postgres) instead of
                          queueing it; the results do not depend on N
  --no-wait               queue the sweep and exit (default: wait for the results and print the table)
  --wait-timeout=S        longest wait for a sweep's results, seconds (default ${DEFAULT_WAIT_TIMEOUT_S})
  --worker                consume backtest jobs from the work queue and store results in Postgres
  --namespace=NAME        prefix of the job queue, agent and data gateway subjects (side-by-side deployments, tests)
  --help`;

/** Parses command-line flags into a validated BacktestRequest; bad values fail with one readable message. */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowNegative: true,
    options: {
      symbols: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      capital: { type: 'string' },
      strategy: { type: 'string' },
      weights: { type: 'string' },
      pattern: { type: 'string' },
      rebalance: { type: 'string' },
      'commission-bps': { type: 'string' },
      'slippage-bps': { type: 'string' },
      'risk-free': { type: 'string' },
      'warmup-bars': { type: 'string' },
      benchmark: { type: 'string' },
      'sma-fast': { type: 'string' },
      'sma-slow': { type: 'string' },
      'price-only': { type: 'boolean', default: false },
      llm: { type: 'string' },
      'llm-budget-usd': { type: 'string' },
      attribution: { type: 'boolean', default: true },
      anonymise: { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      progress: { type: 'boolean', default: true },
      store: { type: 'string', default: 'auto' },
      help: { type: 'boolean', default: false },
      bus: { type: 'string', default: 'none' },
      'remote-agents': { type: 'string' },
      sweep: { type: 'string', multiple: true },
      'walk-forward': { type: 'string' },
      wait: { type: 'boolean', default: true },
      'wait-timeout': { type: 'string' },
      workers: { type: 'string' },
      worker: { type: 'boolean', default: false },
      namespace: { type: 'string' },
      'strict-data': { type: 'boolean' },
    },
  });
  const number = (raw: string | undefined) => (raw === undefined ? undefined : Number(raw));
  const raw = {
    symbols: values.symbols
      ?.split(',')
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
    start: values.start,
    end: values.end,
    capital: number(values.capital),
    strategy: values.strategy,
    ...(values.weights === undefined ? {} : parseWeights(values.weights)),
    pattern: values.pattern,
    rebalance: values.rebalance,
    commissionBps: number(values['commission-bps']),
    slippageBps: number(values['slippage-bps']),
    riskFreeRate: number(values['risk-free']),
    warmupBars: number(values['warmup-bars']),
    benchmark:
      values.benchmark === undefined || values.benchmark === 'equal-weight'
        ? values.benchmark
        : values.benchmark.toUpperCase(),
    llmProvider: values.llm,
    attribution: values.attribution,
    anonymise: values.anonymise,
    smaFast: number(values['sma-fast']),
    smaSlow: number(values['sma-slow']),
    dividends: !values['price-only'],
  };
  const request = parseContract(
    BacktestRequestSchema,
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
    'backtest options',
  );
  const store = values.store;
  if (store !== 'auto' && store !== 'always' && store !== 'never') {
    throw new Error(`invalid backtest options: store: must be auto, always or never (got ${store})`);
  }
  const bus = values.bus;
  if (bus !== 'none' && bus !== 'nats') {
    throw new Error(`invalid backtest options: bus: must be none or nats (got ${bus})`);
  }
  if (request.anonymise && bus === 'nats')
    throw new Error(
      'invalid backtest options: anonymise: the probe anonymises the agents of this process, not agent services (--bus=nats)',
    );
  const remoteAgents =
    values['remote-agents'] === undefined
      ? DEFAULT_REMOTE_AGENTS
      : values['remote-agents']
          .split(',')
          .map((name) => parseContract(AgentNameSchema, name.trim(), 'remote-agents'));
  const llmBudgetUsd = number(values['llm-budget-usd']);
  if (llmBudgetUsd !== undefined && !(llmBudgetUsd > 0))
    throw new Error('invalid backtest options: llm-budget-usd: must be a positive number of dollars');
  const waitTimeoutS = Number(values['wait-timeout'] ?? DEFAULT_WAIT_TIMEOUT_S);
  if (!(waitTimeoutS > 0))
    throw new Error('invalid backtest options: wait-timeout: must be a positive number');
  const workers = number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1))
    throw new Error('invalid backtest options: workers: must be a whole number of threads, 1 or more');
  const sweep = (values.sweep ?? []).map(parseSweepAxis);
  const walkForward =
    values['walk-forward'] === undefined ? undefined : parseWalkForward(values['walk-forward']);
  if (workers !== undefined && sweep.length === 0 && !walkForward)
    throw new Error('invalid backtest options: workers: runs the cases of a --sweep or --walk-forward');
  if (workers !== undefined && (request.llmProvider !== 'offline' || bus !== 'none'))
    throw new Error(
      'invalid backtest options: workers: local sweeps use the offline reasoner in this process (queue LLM or --bus sweeps for workers)',
    );
  return {
    request,
    outDir: values.out,
    json: values.json,
    progress: values.progress,
    store,
    help: values.help,
    bus,
    remoteAgents,
    sweep,
    walkForward,
    workers,
    wait: values.wait,
    waitTimeoutMs: waitTimeoutS * 1000,
    worker: values.worker,
    namespace: values.namespace,
    strictData: values['strict-data'],
    llmBudgetUsd,
  };
}

/** `t=0.6,s=0.4`, `technical=0.6,sentiment=0.4`, `adaptive`, `static`, or a mode with weights (`adaptive,t=0.7,s=0.3`). */
function parseWeights(text: string): { weights?: Record<string, number>; weighting?: string } {
  const weights: Record<string, number> = {};
  let weighting: string | undefined;
  for (const part of text.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (value === undefined && (key === 'static' || key === 'adaptive')) {
      weighting = key;
      continue;
    }
    const name = key === 't' ? 'technical' : key === 's' ? 'sentiment' : (key ?? '');
    weights[name] = Number(value);
  }
  return {
    ...(Object.keys(weights).length > 0 ? { weights } : {}),
    ...(weighting === undefined ? {} : { weighting }),
  };
}

import { parseArgs } from 'node:util';
import type { OrchestrationPattern } from '@ats/agents';
import { z } from 'zod';
import type { AgentPlacement } from './agents';
import { type Mode, ModeSchema, PatternSchema } from './cycle-messages';

export const USAGE = `usage: orchestrator run --symbols=AAPL,GOOGL,MSFT --replay-from=2023-01-01 --replay-to=2023-03-31
  [--mode=paper|live] [--pattern=sequential|parallel|hierarchical] [--agents=embedded|remote]
  [--speed=<trading days per second, 0 = no wait>] [--run-id=<id to create or resume>] [--json]
  [--initial-cash=100000] [--agent-timeout-ms=<ms>] [--namespace=<subject namespace>]
  [--bus-outage-budget-ms=<remote agents: how long a cycle waits for NATS to come back; default ORCHESTRATOR__BUS_OUTAGE_BUDGET_MS or 60000>]
  [--max-degraded-share=<0..1: fail past this share of degraded cycles; default ORCHESTRATOR__MAX_DEGRADED_SHARE>]
  [--llm-budget-usd=<embedded LLM agents: hard spend limit of the run; default LLM__BUDGET_USD_PER_RUN>]
       orchestrator run --mode=live --symbols=AAPL,MSFT   (no replay window: one cycle per new daily bar)
  [--bar-interval-ms=<a feed at a fixed pace: next bar due this long after the last; default the NYSE close>]
  [--late-after-ms=<warn when a bar is this late>] [--complete-within-ms=<wait for a session's other symbols>]
  [--max-cycles=<stop after N cycles; default: until Ctrl-C>]`;

/** Live mode on new bars (`--mode=live` without a replay window). */
export interface LiveArgs {
  readonly barIntervalMs?: number;
  readonly lateAfterMs?: number;
  readonly completeWithinMs?: number;
  readonly maxCycles?: number;
}

export interface CliArgs {
  readonly symbols: string[];
  /** Replay window; absent only in live mode, which then takes new bars as they come. */
  readonly from?: string;
  readonly to?: string;
  /** Set when the run takes new bars instead of replaying a window. */
  readonly live?: LiveArgs;
  readonly mode: Mode;
  readonly pattern: OrchestrationPattern;
  readonly agents: AgentPlacement;
  readonly speed: number;
  readonly runId?: string;
  readonly json: boolean;
  readonly initialCash?: number;
  readonly agentTimeoutMs?: number;
  /** Remote agents: a cycle waits this long for NATS to come back, then the run fails. */
  readonly busOutageBudgetMs?: number;
  readonly namespace?: string;
  /** Fail (exit 1) when more than this share of the run's cycles were degraded; default from config. */
  readonly maxDegradedShare?: number;
  /** Hard LLM spend limit of the run (embedded LLM agents), USD; default LLM__BUDGET_USD_PER_RUN. */
  readonly llmBudgetUsd?: number;
}

/** Bad command-line arguments; the one-line message says which flag and why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--help` or `-h` anywhere: print the usage and exit 0, whatever else is on the line. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Node's parseArgs errors run on with advice about positionals; keep the first sentence. */
function firstSentence(message: string): string {
  return message.split(/\.\s/)[0]?.trim() ?? message;
}

/**
 * Largest starting cash accepted: equity sums of a few symbols stay exact far above it, while 1e308 overflows to
 * Infinity at the first mark (printed as null).
 */
export const MAX_INITIAL_CASH = 1e12;

/** Plain decimal numbers only: `0x10`, `1e3`, `Infinity` or ` 5` are typos here, not 16, 1000 or 5. */
const decimal = (flag: string) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, `${flag} must be a plain decimal number`)
    .transform(Number);
const integer = (flag: string) =>
  z.string().regex(/^\d+$/, `${flag} must be a whole number`).transform(Number);

const ArgsSchema = z.object({
  symbols: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim().toUpperCase()))
    .pipe(z.array(z.string().regex(/^[A-Z][A-Z0-9.-]{0,14}$/)).min(1)),
  'replay-from': z.iso.date().optional(),
  'replay-to': z.iso.date().optional(),
  mode: ModeSchema.default('paper'),
  pattern: PatternSchema.default('sequential'),
  agents: z.enum(['embedded', 'remote']).default('embedded'),
  speed: decimal('speed').pipe(z.number().min(0)).default(0),
  'run-id': z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  json: z.boolean().default(false),
  'initial-cash': decimal('initial cash')
    .pipe(z.number().positive().max(MAX_INITIAL_CASH, `at most ${MAX_INITIAL_CASH}`))
    .optional(),
  'agent-timeout-ms': integer('agent timeout').pipe(z.number().positive()).optional(),
  'bus-outage-budget-ms': integer('bus outage budget').pipe(z.number().positive()).optional(),
  namespace: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  'bar-interval-ms': integer('bar interval').pipe(z.number().positive()).optional(),
  'late-after-ms': integer('late after').optional(),
  'complete-within-ms': integer('complete within').optional(),
  'max-cycles': integer('max cycles').pipe(z.number().positive()).optional(),
  'max-degraded-share': decimal('max degraded share').pipe(z.number().max(1)).optional(),
  'llm-budget-usd': decimal('LLM budget')
    .pipe(z.number().positive('must be a positive number of dollars'))
    .optional(),
});

const LIVE_FLAGS = ['bar-interval-ms', 'late-after-ms', 'complete-within-ms', 'max-cycles'] as const;

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        symbols: { type: 'string' },
        'replay-from': { type: 'string' },
        'replay-to': { type: 'string' },
        mode: { type: 'string' },
        pattern: { type: 'string' },
        agents: { type: 'string' },
        speed: { type: 'string' },
        'run-id': { type: 'string' },
        json: { type: 'boolean' },
        'initial-cash': { type: 'string' },
        'agent-timeout-ms': { type: 'string' },
        'bus-outage-budget-ms': { type: 'string' },
        namespace: { type: 'string' },
        'bar-interval-ms': { type: 'string' },
        'late-after-ms': { type: 'string' },
        'complete-within-ms': { type: 'string' },
        'max-cycles': { type: 'string' },
        'max-degraded-share': { type: 'string' },
        'llm-budget-usd': { type: 'string' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(firstSentence(error instanceof Error ? error.message : String(error)));
  }
  const repeated = repeatedFlag(argv);
  if (repeated) throw new UsageError(`--${repeated}: given more than once`);
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`);
  }
  const a = parsed.data;
  const from = a['replay-from'];
  const to = a['replay-to'];
  const onNewBars = a.mode === 'live' && from === undefined && to === undefined;
  if (!onNewBars) {
    if (from === undefined) throw new UsageError('--replay-from: required (or --mode=live for new bars)');
    if (to === undefined) throw new UsageError('--replay-to: required (or --mode=live for new bars)');
    if (from > to) throw new UsageError('--replay-from is after --replay-to');
    const liveOnly = LIVE_FLAGS.find((flag) => a[flag] !== undefined);
    if (liveOnly) throw new UsageError(`--${liveOnly}: only for --mode=live without a replay window`);
  }
  const live: LiveArgs | undefined = onNewBars
    ? {
        barIntervalMs: a['bar-interval-ms'],
        lateAfterMs: a['late-after-ms'],
        completeWithinMs: a['complete-within-ms'],
        maxCycles: a['max-cycles'],
      }
    : undefined;
  return {
    symbols: a.symbols,
    from,
    to,
    live,
    mode: a.mode,
    pattern: a.pattern,
    agents: a.agents,
    speed: a.speed,
    runId: a['run-id'],
    json: a.json,
    initialCash: a['initial-cash'],
    agentTimeoutMs: a['agent-timeout-ms'],
    busOutageBudgetMs: a['bus-outage-budget-ms'],
    namespace: a.namespace,
    maxDegradedShare: a['max-degraded-share'],
    llmBudgetUsd: a['llm-budget-usd'],
  };
}

/** parseArgs keeps the last of a repeated flag; two `--symbols` are a mistake to report, not to resolve. */
function repeatedFlag(argv: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const arg of argv) {
    if (!arg.startsWith('--') || arg === '--') continue;
    const name = arg.slice(2).split('=')[0] as string;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

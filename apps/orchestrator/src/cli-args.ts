import { parseArgs } from 'node:util';
import type { OrchestrationPattern } from '@ats/agents';
import { z } from 'zod';
import type { AgentPlacement } from './agents';
import { type Mode, ModeSchema, PatternSchema } from './cycle-messages';

export const USAGE = `usage: orchestrator run --symbols=AAPL,GOOGL,MSFT --replay-from=2023-01-01 --replay-to=2023-03-31
  [--mode=paper|live] [--pattern=sequential|parallel|hierarchical] [--agents=embedded|remote]
  [--speed=<trading days per second, 0 = no wait>] [--run-id=<id to create or resume>] [--json]
  [--initial-cash=100000] [--agent-timeout-ms=<ms>] [--namespace=<subject namespace>]`;

export interface CliArgs {
  readonly symbols: string[];
  readonly from: string;
  readonly to: string;
  readonly mode: Mode;
  readonly pattern: OrchestrationPattern;
  readonly agents: AgentPlacement;
  readonly speed: number;
  readonly runId?: string;
  readonly json: boolean;
  readonly initialCash?: number;
  readonly agentTimeoutMs?: number;
  readonly namespace?: string;
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

const ArgsSchema = z.object({
  symbols: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim().toUpperCase()))
    .pipe(z.array(z.string().regex(/^[A-Z][A-Z0-9.-]{0,14}$/)).min(1)),
  'replay-from': z.iso.date(),
  'replay-to': z.iso.date(),
  mode: ModeSchema.default('paper'),
  pattern: PatternSchema.default('sequential'),
  agents: z.enum(['embedded', 'remote']).default('embedded'),
  speed: z.coerce.number().min(0).default(0),
  'run-id': z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  json: z.boolean().default(false),
  'initial-cash': z.coerce.number().positive().optional(),
  'agent-timeout-ms': z.coerce.number().int().positive().optional(),
  namespace: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
});

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
        namespace: { type: 'string' },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(firstSentence(error instanceof Error ? error.message : String(error)));
  }
  const parsed = ArgsSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`);
  }
  const a = parsed.data;
  if (a['replay-from'] > a['replay-to']) throw new UsageError('--replay-from is after --replay-to');
  return {
    symbols: a.symbols,
    from: a['replay-from'],
    to: a['replay-to'],
    mode: a.mode,
    pattern: a.pattern,
    agents: a.agents,
    speed: a.speed,
    runId: a['run-id'],
    json: a.json,
    initialCash: a['initial-cash'],
    agentTimeoutMs: a['agent-timeout-ms'],
    namespace: a.namespace,
  };
}

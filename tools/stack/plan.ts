import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Every app of the system in start order: data first, then agents, then what calls them. */
export const STACK_APPS = [
  'data-gateway',
  'technical-agent',
  'sentiment-agent',
  'risk-manager',
  'portfolio-manager',
  'orchestrator',
  'api-gateway',
] as const;

export interface StackArgs {
  /** Instances per app (default 1). */
  readonly replicas: ReadonlyMap<string, number>;
  /** Apps not to start. */
  readonly skip: ReadonlySet<string>;
}

/** Bad stack arguments. */
export class StackUsageError extends Error {
  constructor(message: string) {
    super(`${message}\nusage: stack [--replicas <app>=<n> ...] [--skip <app>,<app>]`);
    this.name = 'StackUsageError';
  }
}

/** Parses `--replicas technical-agent=2` (repeatable, or comma separated) and `--skip api-gateway`. */
export function parseStackArgs(argv: readonly string[]): StackArgs {
  const replicas = new Map<string, number>();
  const skip = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') && arg.startsWith('--') ? splitOnce(arg) : [arg, undefined];
    if (flag === '--') continue;
    const value = inline ?? argv[++i];
    if (value === undefined) throw new StackUsageError(`${flag} needs a value`);
    for (const item of value.split(',').filter(Boolean)) {
      if (flag === '--replicas') {
        const [app, count] = splitOnce(item);
        const n = Number(count);
        if (!(STACK_APPS as readonly string[]).includes(app)) throw new StackUsageError(`unknown app ${app}`);
        if (!Number.isInteger(n) || n < 0)
          throw new StackUsageError(`replicas of ${app} must be an integer >= 0`);
        replicas.set(app, n);
      } else if (flag === '--skip') skip.add(item);
      else throw new StackUsageError(`unknown option ${flag}`);
    }
  }
  return { replicas, skip };
}

function splitOnce(text: string): [string, string] {
  const at = text.indexOf('=');
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

export interface PlannedProcess {
  readonly app: string;
  /** `<app>` or `<app>-<n>` when replicated; the log prefix and SERVICE__NAME. */
  readonly name: string;
  readonly entry: string;
}

export interface StackPlan {
  readonly processes: PlannedProcess[];
  /** Apps left out and why (folder missing, skipped, zero replicas). */
  readonly notes: string[];
}

/** Which processes to start: one per replica of every app whose `src/main.ts` exists. */
export function planStack(repoRoot: string, args: StackArgs): StackPlan {
  const processes: PlannedProcess[] = [];
  const notes: string[] = [];
  for (const app of STACK_APPS) {
    const entry = join(repoRoot, 'apps', app, 'src', 'main.ts');
    if (args.skip.has(app)) {
      notes.push(`${app}: skipped (--skip)`);
      continue;
    }
    if (!existsSync(entry)) {
      notes.push(`${app}: not started, apps/${app}/src/main.ts does not exist yet`);
      continue;
    }
    const count = args.replicas.get(app) ?? 1;
    if (count === 0) notes.push(`${app}: 0 replicas`);
    for (let i = 1; i <= count; i++) processes.push({ app, name: count > 1 ? `${app}-${i}` : app, entry });
  }
  return { processes, notes };
}

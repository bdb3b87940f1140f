import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';

/** What a command line of ours declares: its name (for messages), usage text, flags and their schema. */
export interface CommandLineSpec<S extends z.ZodType> {
  readonly name: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly schema: S;
  /** Default: process.argv after the script, without npm/nx's `--` separator. */
  readonly argv?: readonly string[];
}

/** One line on stderr and exit 2: what was wrong and where the usage is (the convention of every CLI here). */
export function refuseUsage(name: string, message: string): never {
  console.error(`${name}: ${message} (--help for usage)`);
  process.exit(2);
}

/**
 * Parses and validates a command line: `--help`/`-h` prints the usage and exits 0; an unknown flag or a value
 * the schema refuses is one line on stderr and exit 2, never a stack trace.
 */
export function parseCommandLine<S extends z.ZodType>(spec: CommandLineSpec<S>): z.output<S> {
  const argv = (spec.argv ?? process.argv.slice(2)).filter((arg) => arg !== '--');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(spec.usage);
    process.exit(0);
  }
  let values: Record<string, unknown> = {};
  try {
    ({ values } = parseArgs({ args: argv, options: spec.options, strict: true }));
  } catch (error) {
    // Node's message runs on with advice about positionals; its first sentence names the flag.
    refuseUsage(
      spec.name,
      (error instanceof Error ? error.message : String(error)).split(/\.\s/)[0] ?? 'bad arguments',
    );
  }
  const parsed = spec.schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    refuseUsage(spec.name, `--${issue?.path.join('.') || '?'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

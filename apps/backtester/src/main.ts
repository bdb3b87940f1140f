import { configuredKeys, loadConfig } from '@ats/config';
import { ContractValidationError } from '@ats/contracts';
import { DataQualityError, MissingMarketDataError } from '@ats/market-data';
import { withConfigDefaults } from './config-defaults';
import { parseCliOptions, USAGE } from './options';
import { expandSweep } from './sweep';

/**
 * `nx run backtester:backtest`: one backtest in this process (offline by default; `--llm`, `--bus=nats`), a sweep /
 * walk-forward queued as jobs (or run here on worker threads with `--workers`); `nx run backtester:start`
 * (`--worker`): a worker on the job queue. Each mode's module is imported when chosen, so a backtest does not load
 * what the worker or the queue need (Prisma, the metrics server) and the reverse.
 */
async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  // Flags win over TRADING__* settings the user made, which win over the request's defaults.
  const parsed = parseCliOptions(withConfigDefaults(argv, config.trading, configuredKeys()));
  // --strict-data / --no-strict-data win over DATA__STRICT.
  const options = { ...parsed, strictData: parsed.strictData ?? config.data.strict };
  if (options.worker) return (await import('./run-worker')).runWorker(options, config);
  if (options.sweep.length > 0 || options.walkForward) {
    const cases = expandSweep(options.request, options.sweep, options.walkForward);
    if (options.workers !== undefined)
      return (await import('./run-local-sweep')).runLocalSweep(options, cases, options.workers);
    return (await import('./run-queued-sweep')).runQueuedSweep(options, config, cases);
  }
  return (await import('./run-one')).runOne(options, config);
}

/** Flag errors: node's parseArgs (unknown option, missing value) and the request contract's validation. */
function isUsageError(error: unknown): error is Error {
  if (error instanceof ContractValidationError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) ||
    (error instanceof Error && error.message.startsWith('invalid backtest options'))
  );
}

/** Node's parseArgs messages run on with advice about positionals; the first sentence names the flag. */
function firstSentence(error: Error): string {
  return error.message.split(/\.\s/)[0] ?? error.message;
}

/**
 * Ends the process with `code` once stdout and stderr have handed every queued byte to the OS: a pipe takes 64 KiB
 * at a time, and a bare process.exit would cut `--json | other-program` there. process.exit is still needed (not
 * just exitCode) because a client library may keep a handle open.
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let open = 2;
  const flushed = () => {
    open -= 1;
    if (open === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

main(process.argv.slice(2).filter((arg) => arg !== '--')).then(exitAfterFlush, (error: unknown) => {
  if (isUsageError(error)) {
    // A bad or unknown flag: one line and the way to the usage, exit 2 like every CLI here.
    process.stderr.write(`backtest: ${firstSentence(error)} (--help for usage)\n`);
    exitAfterFlush(2);
    return;
  }
  if (error instanceof DataQualityError) {
    // Strict data mode: the findings instead of a run on repaired data.
    process.stderr.write(`backtest refused: ${error.message}\n`);
    exitAfterFlush(2);
    return;
  }
  if (error instanceof MissingMarketDataError) {
    // Nothing to run on: what is missing and the two ways out, no stack trace.
    process.stderr.write(`${error.message}\n`);
    exitAfterFlush(2);
    return;
  }
  process.stderr.write(`backtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
  exitAfterFlush(1);
});

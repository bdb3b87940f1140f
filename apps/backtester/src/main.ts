import { loadConfig } from '@ats/config';
import { LocalCsvProvider } from '@ats/market-data';
import { printConsoleSummary, renderJsonReport, writeReports } from '@ats/reports';
import { runBacktestJob } from './job';
import { parseCliOptions, USAGE } from './options';
import { resolveOutDir } from './paths';
import { progressPrinter } from './progress';
import { connectIfAvailable, storeBacktest } from './store';

/** `nx run backtester:backtest`: the embedded (in-process, offline by default) backtest CLI. */
async function main(argv: readonly string[]): Promise<number> {
  const options = parseCliOptions(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const config = loadConfig();
  const bars = new LocalCsvProvider(config.data.dir ? { path: config.data.dir } : {});
  const startedAt = new Date();
  const onProgress = options.progress ? progressPrinter() : undefined;
  const output = await runBacktestJob(options.request, { bars, ...(onProgress ? { onProgress } : {}) });
  const finishedAt = new Date();

  const baseName = `backtest-${options.request.strategy}-${options.request.start}-${options.request.end}`;
  const written = writeReports(resolveOutDir(options.outDir), baseName, output.report);
  if (options.json) {
    process.stdout.write(renderJsonReport(output.report));
  } else {
    printConsoleSummary(output.report);
    const { stats } = output.result;
    process.stdout.write(
      `\n${stats.symbolDays} symbol-days, ${output.result.fills.length} fills, ${output.result.trades.length} closed trades` +
        ` in ${(finishedAt.getTime() - startedAt.getTime()) / 1000}s (incl. attribution runs)\n` +
        `LLM calls: ${output.result.llmUsage.calls} (cached ${output.result.llmUsage.cachedCalls}), cost $${output.result.llmUsage.costUsd.toFixed(4)}\n` +
        `report: ${written.htmlPath}\njson:   ${written.jsonPath}\n`,
    );
  }

  if (options.store !== 'never') {
    const prisma = await connectIfAvailable(config.database.url);
    if (!prisma) {
      if (options.store === 'always') throw new Error(`Postgres at ${config.database.url} does not answer`);
      process.stderr.write('Postgres not reachable: result kept in files only\n');
    } else {
      try {
        const runId = await storeBacktest(prisma, options.request, output, startedAt, finishedAt);
        process.stderr.write(`stored in Postgres as run ${runId}\n`);
      } catch (error) {
        // In auto mode the files are the result; a database without migrations only costs the copy in Postgres.
        if (options.store === 'always') throw error;
        const reason = error instanceof Error ? error.message.split('\n').at(-1) : String(error);
        process.stderr.write(`not stored in Postgres (${reason}); run \`npm run db:migrate\` to enable it\n`);
      } finally {
        await prisma.$disconnect();
      }
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`backtest failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

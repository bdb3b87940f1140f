import { parseArgs } from 'node:util';
import { loadConfig } from '@ats/config';
import { AgentNameSchema, IsoDateSchema, SymbolSchema } from '@ats/contracts';
import { dailyBarSource, MissingMarketDataError } from '@ats/market-data';
import { z } from 'zod';
import { analyzeSymbol, formatAnalysis } from './analyze-symbol';

/**
 * analyze --symbol=AAPL --agent=technical|sentiment|risk|portfolio [--date=2023-06-30] [--json]
 * One agent, in-process, offline reasoner, on the bundled daily bars (DATA__DIR overrides the folder).
 */
const ArgsSchema = z.object({
  symbol: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(SymbolSchema),
  agent: AgentNameSchema.default('technical'),
  date: IsoDateSchema.optional(),
  json: z.boolean().default(false),
});

const USAGE = `usage: analyze --symbol=AAPL [--agent=technical|sentiment|risk|portfolio] [--date=YYYY-MM-DD] [--json]
  One agent, in-process, with the offline reasoner, on the daily bars of the data folder (DATA__DIR).
  --date  decide as of this date (default: the last bar)   --json  the analysis as JSON`;

/** One line on stderr, exit 2: what was wrong and where the usage is. */
function refuse(message: string): never {
  console.error(`analyze: ${message} (--help for usage)`);
  process.exit(2);
}

const argv = process.argv.slice(2).filter((arg) => arg !== '--');
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
let values: Record<string, unknown>;
try {
  ({ values } = parseArgs({
    args: argv,
    options: {
      symbol: { type: 'string' },
      agent: { type: 'string' },
      date: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  }));
} catch (error) {
  // Node's message runs on with advice about positionals; its first sentence names the flag.
  refuse((error instanceof Error ? error.message : String(error)).split(/\.\s/)[0] ?? 'bad arguments');
}
const parsed = ArgsSchema.safeParse(values);
if (!parsed.success) {
  const issue = parsed.error.issues[0];
  refuse(`--${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`);
}
const args = parsed.data;
const config = loadConfig();
const provider = dailyBarSource(config.data);
try {
  const analysis = await analyzeSymbol(provider, {
    symbol: args.symbol,
    agent: args.agent,
    date: args.date,
    equity: config.trading.initialCapital,
  });
  console.log(args.json ? JSON.stringify(analysis, null, 2) : formatAnalysis(analysis));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  // No bars anywhere (data folder, cache, download): the message says the two ways out; 2 like a usage error.
  process.exit(error instanceof MissingMarketDataError ? 2 : 1);
}

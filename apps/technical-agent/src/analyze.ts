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

const { values } = parseArgs({
  options: {
    symbol: { type: 'string' },
    agent: { type: 'string' },
    date: { type: 'string' },
    json: { type: 'boolean' },
  },
  strict: true,
});
const parsed = ArgsSchema.safeParse(values);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
  console.error(
    'usage: analyze --symbol=AAPL --agent=technical|sentiment|risk|portfolio [--date=YYYY-MM-DD] [--json]',
  );
  process.exit(2);
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

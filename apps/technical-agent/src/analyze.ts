import { loadConfig, parseCommandLine } from '@ats/config';
import { AgentNameSchema, IsoDateSchema, SymbolSchema } from '@ats/contracts';
import { evidenceSourceFromConfig } from '@ats/evidence';
import { MissingMarketDataError, openMarketDataPort } from '@ats/market-data';
import { z } from 'zod';
import { analyzeSymbol, formatAnalysis } from './analyze-symbol';

/**
 * analyze --symbol=AAPL --agent=technical|sentiment|risk|portfolio [--date=2023-06-30] [--json]
 * One agent, in-process, offline reasoner, on the daily bars of the market-data port: the data folder (DATA__DIR) or
 * the download cache, or the data gateway with DATA__MODE=distributed.
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

const args = parseCommandLine({
  name: 'analyze',
  usage: USAGE,
  schema: ArgsSchema,
  options: {
    symbol: { type: 'string' },
    agent: { type: 'string' },
    date: { type: 'string' },
    json: { type: 'boolean' },
  },
});
const config = loadConfig();
// The data folder and download cache in this process, or the data gateway when DATA__MODE=distributed.
const provider = await openMarketDataPort(config, {
  evidence: evidenceSourceFromConfig,
  connectionName: 'analyze',
});
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
  process.exitCode = error instanceof MissingMarketDataError ? 2 : 1;
} finally {
  await provider.close();
}

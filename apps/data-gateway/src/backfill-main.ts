import { loadConfig, parseCommandLine } from '@ats/config';
import { IsoDateSchema, SymbolSchema, systemClock, TimeframeSchema } from '@ats/contracts';
import { createPrismaClient, ensureMigrations } from '@ats/db';
import { createLogger } from '@ats/observability';
import { z } from 'zod';
import { backfillBars, formatBackfillSummary } from './backfill';
import { gatewaySettingsFrom } from './gateway-settings';
import { buildMarketDataChain } from './market-data-chain';

/** `backfill --symbols=AAPL,MSFT --start=2015-01-01 --end=2023-12-31 [--timeframe=1d]`: bars into Postgres. */
const ArgsSchema = z
  .object({
    symbols: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim().toUpperCase()))
      .pipe(z.array(SymbolSchema).min(1)),
    start: IsoDateSchema,
    end: IsoDateSchema,
    timeframe: TimeframeSchema.default('1d'),
  })
  .refine((a) => a.start <= a.end, { message: '--start must not be after --end', path: ['start'] });

const USAGE = `usage: backfill --symbols=AAPL,MSFT --start=YYYY-MM-DD --end=YYYY-MM-DD [--timeframe=1d]
  Fetches bars through the provider chain (DATA__PROVIDERS) and stores them in Postgres (DATABASE__URL).`;

const args = parseCommandLine({
  name: 'backfill',
  usage: USAGE,
  schema: ArgsSchema,
  options: {
    symbols: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    timeframe: { type: 'string' },
  },
});
const config = loadConfig();
const logger = createLogger({
  service: 'data-gateway-backfill',
  level: config.logLevel,
  secretValues: config.secretValues,
});
try {
  // A fresh database gets the schema here (one query when up to date): no `npm run db:migrate` first.
  await ensureMigrations({ databaseUrl: config.database.url });
} catch (error) {
  console.error(`backfill: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const prisma = createPrismaClient(config.database.url);
const chain = await buildMarketDataChain({
  config: gatewaySettingsFrom(config).marketData,
  clock: systemClock,
  logger,
  prisma,
});
try {
  const store = chain.store;
  if (!store) throw new Error('backfill needs Postgres');
  const rows = await backfillBars(chain.failover, store, systemClock, {
    symbols: args.symbols,
    from: args.start,
    to: args.end,
    timeframe: args.timeframe,
  });
  console.log(formatBackfillSummary(rows));
  process.exitCode = rows.some((r) => r.error) ? 1 : 0;
} catch (error) {
  // The message, not a stack: the summary above already names per-symbol provider failures.
  console.error(`backfill: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await chain.close();
  await prisma.$disconnect();
}

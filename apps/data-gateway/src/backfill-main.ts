import { parseArgs } from 'node:util';
import { loadConfig } from '@ats/config';
import { IsoDateSchema, SymbolSchema, systemClock, TimeframeSchema } from '@ats/contracts';
import { createPrismaClient } from '@ats/db';
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

const { values } = parseArgs({
  options: {
    symbols: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    timeframe: { type: 'string' },
  },
});
const parsed = ArgsSchema.safeParse(values);
if (!parsed.success) {
  console.error(
    `usage: backfill --symbols=AAPL,MSFT --start=YYYY-MM-DD --end=YYYY-MM-DD [--timeframe=1d]\n${parsed.error.issues
      .map((i) => `  --${String(i.path[0])}: ${i.message}`)
      .join('\n')}`,
  );
  process.exit(2);
}
const config = loadConfig();
const logger = createLogger({
  service: 'data-gateway-backfill',
  level: config.logLevel,
  secretValues: config.secretValues,
});
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
    symbols: parsed.data.symbols,
    from: parsed.data.start,
    to: parsed.data.end,
    timeframe: parsed.data.timeframe,
  });
  console.log(formatBackfillSummary(rows));
  process.exitCode = rows.some((r) => r.error) ? 1 : 0;
} finally {
  await chain.close();
  await prisma.$disconnect();
}

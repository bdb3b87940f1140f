import type { Bar, Timeframe } from '@ats/contracts';
import type { PrismaClient } from '@ats/db';
import type { BarStore, StoredBars } from './bar-store';
import type { ProviderCallRecord, ProviderCallRecorder } from './provider-calls';

/**
 * L3 on the `bars` table of @ats/db. Only closed, unadjusted bars reach it and they never change, so writes
 * skip rows that already exist instead of updating them. `adjClose` round-trips through the nullable `adj_close`.
 */
export class PrismaBarStore implements BarStore {
  constructor(private readonly prisma: PrismaClient) {}

  async loadBars(symbol: string, timeframe: Timeframe, from: string, to: string): Promise<StoredBars> {
    const rows = await this.prisma.bar.findMany({
      where: {
        symbol,
        timeframe,
        adjusted: false,
        ts: { gte: new Date(`${from}T00:00:00.000Z`), lte: new Date(`${to}T23:59:59.999Z`) },
      },
      orderBy: { ts: 'asc' },
    });
    const bars: Bar[] = rows.map((row) => ({
      symbol: row.symbol,
      timeframe: row.timeframe as Timeframe,
      ts: row.ts.toISOString(),
      open: row.open,
      high: row.high,
      low: row.low,
      close: row.close,
      volume: row.volume,
      adjusted: row.adjusted,
      ...(row.adjClose === null ? {} : { adjClose: row.adjClose }),
    }));
    return { bars, sources: [...new Set(rows.map((row) => row.source))] };
  }

  async saveBars(bars: readonly Bar[], source: string): Promise<number> {
    if (bars.length === 0) return 0;
    const result = await this.prisma.bar.createMany({
      data: bars.map((bar) => ({ ...bar, ts: new Date(bar.ts), adjClose: bar.adjClose ?? null, source })),
      skipDuplicates: true,
    });
    return result.count;
  }
}

/** Writes provider calls to the `provider_calls` table of @ats/db. */
export class PrismaProviderCallRecorder implements ProviderCallRecorder {
  constructor(private readonly prisma: PrismaClient) {}

  async record(call: ProviderCallRecord): Promise<void> {
    await this.prisma.providerCall.create({
      data: {
        provider: call.provider,
        endpoint: call.endpoint,
        symbol: call.symbol ?? null,
        status: call.status,
        errorKind: call.errorKind ?? null,
        latencyMs: call.latencyMs,
        calledAt: call.calledAt,
      },
    });
  }
}

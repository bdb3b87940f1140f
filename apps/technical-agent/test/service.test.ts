import { fileURLToPath } from 'node:url';
import { RemoteSignalAgent } from '@ats/agent-rpc';
import { buildSnapshot } from '@ats/agents';
import { createPrismaClient } from '@ats/db';
import { LocalCsvProvider } from '@ats/market-data';
import { testRequestTimeoutMs, testServices } from '@ats/tool-testing';
import { describeAgentService } from '@ats/tool-testing/agent-service-suite';
import { expect } from 'vitest';

describeAgentService({
  app: 'technical-agent',
  appDir: fileURLToPath(new URL('..', import.meta.url)),
  agent: 'technical',
  async exchange(client, correlationId) {
    const { bars } = await new LocalCsvProvider().fetchBars({
      symbol: 'MSFT',
      timeframe: '1d',
      from: '2022-01-01',
      to: '2023-03-31',
    });
    const snapshot = buildSnapshot('MSFT', bars);
    const asOf = snapshot.asOf;
    const batch = await new RemoteSignalAgent(client, 'technical', {
      timeoutMs: testRequestTimeoutMs(),
    }).analyze({
      ctx: {
        asOf,
        correlationId,
        snapshots: [snapshot],
        news: [],
        portfolio: { asOf, cash: 100_000, equity: 100_000, positions: [] },
      },
      priorDecisions: [],
    });
    expect(batch.decisions).toMatchObject([{ agent: 'technical', symbol: 'MSFT', ts: asOf }]);
    const prisma = createPrismaClient(testServices().databaseUrl);
    const stored = await prisma.decision.findMany({ where: { correlationId } });
    await prisma.$disconnect();
    expect(stored.map((d) => [d.agent, d.symbol, d.reasoning])).toEqual([
      ['technical', 'MSFT', batch.decisions[0]?.reasoning],
    ]);
  },
});

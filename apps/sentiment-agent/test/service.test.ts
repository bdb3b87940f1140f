import { fileURLToPath } from 'node:url';
import { RemoteSignalAgent } from '@ats/agent-rpc';
import { SentimentAgent } from '@ats/agents';
import { createPrismaClient } from '@ats/db';
import { contextAt, testRequestTimeoutMs, testServices } from '@ats/tool-testing';
import { describeAgentService } from '@ats/tool-testing/agent-service-suite';
import { expect } from 'vitest';

describeAgentService({
  app: 'sentiment-agent',
  appDir: fileURLToPath(new URL('..', import.meta.url)),
  agent: 'sentiment',
  async exchange(client, correlationId) {
    const ctx = await contextAt('2023-03-31', correlationId, ['AAPL', 'MSFT']);
    const batch = await new RemoteSignalAgent(client, 'sentiment', {
      timeoutMs: testRequestTimeoutMs(),
    }).analyze({
      ctx,
      priorDecisions: [],
    });
    const local = new SentimentAgent().decide({ ctx, priorDecisions: [] });
    expect(batch.decisions).toEqual(local);
    expect(batch.decisions.find((d) => d.symbol === 'AAPL')?.signal).toBe('BUY');
    const prisma = createPrismaClient(testServices().databaseUrl);
    const stored = await prisma.decision.findMany({ where: { correlationId } });
    await prisma.$disconnect();
    expect(stored.map((d) => d.symbol).sort()).toEqual(['AAPL', 'MSFT']);
  },
});

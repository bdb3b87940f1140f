import { fileURLToPath } from 'node:url';
import { RemotePortfolioAgent } from '@ats/agent-rpc';
import { PortfolioManagerAgent, RiskManagerAgent, TechnicalAgent } from '@ats/agents';
import { createPrismaClient } from '@ats/db';
import { contextAt, testRequestTimeoutMs, testServices } from '@ats/tool-testing';
import { describeAgentService } from '@ats/tool-testing/agent-service-suite';
import { expect } from 'vitest';

describeAgentService({
  app: 'portfolio-manager',
  appDir: fileURLToPath(new URL('..', import.meta.url)),
  agent: 'portfolio',
  async exchange(client, correlationId) {
    const ctx = await contextAt('2023-03-31', correlationId, ['AAPL', 'MSFT', 'NVDA']);
    const decisions = new TechnicalAgent().decide({ ctx, priorDecisions: [] });
    const risk = new RiskManagerAgent().decide({ ctx, priorDecisions: decisions });
    const request = { ctx, decisions, risk, degraded: [] };
    const plan = await new RemotePortfolioAgent(client, { timeoutMs: testRequestTimeoutMs() }).analyze(
      request,
    );
    const local = new PortfolioManagerAgent().decide(request);
    expect(plan.targets).toEqual(local.targets);
    expect(plan.decisions.map((d) => [d.symbol, d.signal, d.reasoning])).toEqual(
      local.decisions.map((d) => [d.symbol, d.signal, d.reasoning]),
    );
    const prisma = createPrismaClient(testServices().databaseUrl);
    const stored = await prisma.decision.findMany({ where: { correlationId } });
    await prisma.$disconnect();
    expect(stored.map((d) => `${d.agent}:${d.symbol}`).sort()).toEqual([
      'portfolio:AAPL',
      'portfolio:MSFT',
      'portfolio:NVDA',
    ]);
  },
});

import { fileURLToPath } from 'node:url';
import { RemoteRiskAgent } from '@ats/agent-rpc';
import { RiskManagerAgent } from '@ats/agents';
import { Streams, Subjects, TradingMessages } from '@ats/contracts';
import { contextAt, testRequestTimeoutMs } from '@ats/tool-testing';
import { describeAgentService } from '@ats/tool-testing/agent-service-suite';
import { expect } from 'vitest';

/** The decisions stream is searched this far back for the assessment the request just recorded. */
const RECENT_MS = 60_000;

describeAgentService({
  app: 'risk-manager',
  appDir: fileURLToPath(new URL('..', import.meta.url)),
  agent: 'risk',
  async exchange(client, correlationId) {
    const ctx = await contextAt('2023-03-31', correlationId, ['AAPL', 'MSFT', 'NVDA']);
    const report = await new RemoteRiskAgent(client, { timeoutMs: testRequestTimeoutMs() }).analyze({
      ctx,
      priorDecisions: [],
    });
    const local = new RiskManagerAgent().decide({ ctx, priorDecisions: [] });
    expect(report.assessment).toEqual(local.assessment);
    expect(report.sizes.map((s) => s.symbol)).toEqual(['AAPL', 'MSFT', 'NVDA']);
    const stored = await client.history(Subjects.riskAssessment, TradingMessages.riskAssessment, {
      stream: Streams.decisions.name,
      from: new Date(Date.now() - RECENT_MS),
      to: new Date(Date.now() + 1_000),
    });
    expect(stored.filter((m) => m.correlationId === correlationId)).toHaveLength(1);
  },
});

/**
 * The attribution variants share their rule-based analysts' decisions with the full team (AnalystDecisionMemo): the
 * analysts decide for the full team's run, and every variant reuses those answers.
 */
import { SentimentAgent, TechnicalAgent } from '@ats/agents';
import { BacktestRequestSchema } from '@ats/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBacktestJob } from './job';
import { dataFolderPort } from './testing/data-folder-port';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('attribution runs', { timeout: 300_000 }, () => {
  it('ask the rule-based analysts once per decision time, not once per run', async () => {
    const bars = await dataFolderPort();
    try {
      const technical = vi.spyOn(TechnicalAgent.prototype, 'decide');
      const sentiment = vi.spyOn(SentimentAgent.prototype, 'decide');
      const request = BacktestRequestSchema.parse({
        symbols: ['AAPL', 'XOM'],
        start: '2023-03-01',
        end: '2023-05-31',
      });
      const output = await runBacktestJob(request, { bars, runId: 'memo' });
      expect(output.attribution).toHaveLength(5);
      const decisionTimes = output.result.decisions.length;
      expect(decisionTimes).toBeGreaterThan(5);
      expect(technical).toHaveBeenCalledTimes(decisionTimes);
      expect(sentiment).toHaveBeenCalledTimes(decisionTimes);
    } finally {
      await bars.close();
    }
  });
});

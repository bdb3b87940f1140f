import { describe, expect, it } from 'vitest';
import type { CycleReport } from './cycle-runner';
import { degradedSummary, percentile } from './report';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const sample = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(sample, 50)).toBe(5);
    expect(percentile(sample, 99)).toBe(10);
    expect(percentile(sample, 10)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('degradedSummary', () => {
  const cycle = (...agents: string[]) =>
    ({ degraded: agents.map((agent) => ({ agent, reason: 'timeout' })) }) as unknown as CycleReport;

  it('counts cycles that ran without an agent and fails past the allowed share', () => {
    const reports = [cycle(), cycle('portfolio'), cycle('portfolio', 'risk'), cycle(), cycle()];
    expect(degradedSummary(reports, 0.5)).toEqual({
      cycles: 5,
      degradedCycles: 2,
      share: 0.4,
      byAgent: { portfolio: 2, risk: 1 },
      maxShare: 0.5,
      failed: false,
    });
    expect(degradedSummary(reports, 0.1).failed).toBe(true);
    expect(degradedSummary([], 0).failed).toBe(false);
  });

  it('counts cycles the LLM budget left to the rules apart, from the bar where it happened, not as failures', () => {
    const budget = (barTs: string, ...agents: string[]) =>
      ({
        barTs,
        degraded: agents.map((agent) => ({
          agent,
          reason: 'LLM budget per run reached: $0.0100 spent of $0.0100; no openai gpt-4o-mini call made',
        })),
      }) as unknown as CycleReport;
    const reports = [
      cycle(),
      budget('2023-01-04T00:00:00.000Z', 'technical', 'risk'),
      budget('2023-01-05'),
      cycle(),
    ];
    const withTimeout = {
      ...budget('2023-01-06', 'technical'),
      degraded: [...budget('x', 'sentiment').degraded, { agent: 'risk', reason: 'timeout' }],
    } as unknown as CycleReport;
    expect(degradedSummary([...reports, withTimeout], 0.1)).toEqual({
      cycles: 5,
      degradedCycles: 1,
      share: 0.2,
      byAgent: { risk: 1 },
      maxShare: 0.1,
      failed: true,
      llmBudget: { cycles: 2, reachedAt: '2023-01-04T00:00:00.000Z' },
    });
    expect(degradedSummary(reports, 0).failed).toBe(false);
  });
});

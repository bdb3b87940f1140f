import { BacktestRequestSchema } from '@ats/contracts';
import { ESTIMATED_PROMPT_TOKENS_PER_CALL, ESTIMATED_PROMPT_TOKENS_PER_SYMBOL } from '@ats/llm';
import { describe, expect, it } from 'vitest';
import { backtestLlmEstimate, budgetStopTime, decisionTimeCount } from './llm-cost';
import { ablationVariants } from './research';

const request = BacktestRequestSchema.parse({
  symbols: ['AAPL', 'MSFT', 'NVDA'],
  start: '2023-01-04',
  end: '2023-01-20',
  rebalance: 'weekly',
  llmProvider: 'openai',
});
/** Warm-up bars before start, then Wed 4 .. Fri 20 January 2023 (Monday 16 a holiday). */
const BAR_TIMES = [
  '2022-12-30',
  '2023-01-03',
  '2023-01-04',
  '2023-01-05',
  '2023-01-06',
  '2023-01-09',
  '2023-01-13',
  '2023-01-17',
  '2023-01-20',
].map((day) => `${day}T21:00:00.000Z`);
const llm = { kind: 'llm', client: { complete: () => Promise.reject(new Error('not called')) } } as const;

describe('backtestLlmEstimate', () => {
  it('counts one decision per rebalance period from the start on, warm-up excluded', () => {
    expect(decisionTimeCount(request, BAR_TIMES)).toBe(3);
    expect(decisionTimeCount({ ...request, rebalance: 'daily' }, BAR_TIMES)).toBe(7);
  });

  it('asks each LLM agent once per decision time in the full run and every attribution variant', () => {
    const estimate = backtestLlmEstimate(request, BAR_TIMES, {
      reasoners: { technical: llm, sentiment: llm, risk: { kind: 'offline' } },
      agentConfigs: {
        technical: {
          name: 'technical',
          model: 'gpt-4o-mini',
          temperature: 0,
          maxTokens: 400,
          timeoutMs: 1,
          retryAttempts: 0,
        },
      },
    });
    const runs = 1 + ablationVariants(request).length;
    expect(runs).toBeGreaterThan(1);
    // Two LLM agents (risk is offline); sentiment at its built-in model and token limit.
    expect(estimate?.calls).toBe(2 * 3 * runs);
    expect(estimate?.promptTokens).toBe(
      2 * 3 * runs * (ESTIMATED_PROMPT_TOKENS_PER_CALL + 3 * ESTIMATED_PROMPT_TOKENS_PER_SYMBOL),
    );
    expect(
      backtestLlmEstimate({ ...request, attribution: false }, BAR_TIMES, { reasoners: { technical: llm } })
        ?.calls,
    ).toBe(3);
    expect(
      backtestLlmEstimate(request, BAR_TIMES, { reasoners: { technical: { kind: 'offline' } } }),
    ).toBeUndefined();
  });

  it('names the first decision time the budget left to the rules', () => {
    expect(
      budgetStopTime([
        { variant: 'all', ts: 't1', note: 'degraded: technical: LLM unavailable after 1 attempt(s)' },
        { variant: 'all', ts: 't2', note: 'degraded: risk: LLM budget per run reached: $1 spent of $1' },
        { variant: 'all', ts: 't3', note: 'degraded: technical: LLM budget per run reached: $1 spent of $1' },
      ]),
    ).toEqual({ ts: 't2', variant: 'all' });
    expect(budgetStopTime([])).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LlmClient, LlmRequest, LlmResponse } from '../types';
import { BudgetedLlmClient } from './budgeted-llm-client';
import { LlmBudgetExceededError } from './llm-budget-exceeded-error';
import { LlmSpendLedger } from './llm-spend-ledger';

const COST_PER_CALL = 0.01;

/** A model that answers every call at a fixed cost (or 0 when `cached`), counting the calls it got. */
class CountingClient implements LlmClient {
  calls = 0;
  constructor(private readonly cached = false) {}
  async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    this.calls++;
    return {
      value: request.schema.parse({ ok: true }),
      usage: { promptTokens: 100, completionTokens: 10, costUsd: this.cached ? 0 : COST_PER_CALL },
      cached: this.cached,
    };
  }
}

const request: LlmRequest<{ ok: boolean }> = {
  system: 's',
  user: 'u',
  schema: z.object({ ok: z.boolean() }),
  schemaName: 'answer',
  temperature: 0,
  maxTokens: 50,
  model: 'gpt-4o-mini',
};
const labels = { provider: 'openai', model: 'gpt-4o-mini' };

/** A clock the test moves by hand. */
const manualClock = (iso: string) => {
  let now = new Date(iso);
  return { now: () => now, set: (next: string) => (now = new Date(next)) };
};

describe('BudgetedLlmClient', () => {
  it('stops calling the provider once the run budget is reached, for every client sharing the ledger', async () => {
    const ledger = new LlmSpendLedger({ budget: { perRunUsd: 2.5 * COST_PER_CALL } });
    const technical = new CountingClient();
    const risk = new CountingClient();
    const a = new BudgetedLlmClient(technical, ledger, labels);
    const b = new BudgetedLlmClient(risk, ledger, labels);
    await a.complete(request);
    await b.complete(request);
    await a.complete(request); // spend 2 calls < 2.5: allowed, and crosses the limit
    await expect(b.complete(request)).rejects.toBeInstanceOf(LlmBudgetExceededError);
    await expect(a.complete(request)).rejects.toMatchObject({ budget: 'run', limitUsd: 2.5 * COST_PER_CALL });
    expect(technical.calls + risk.calls).toBe(3);
    expect(ledger.spentUsd).toBeCloseTo(3 * COST_PER_CALL, 12);
    expect(ledger.stop).toMatchObject({ budget: 'run' });
  });

  it('lets every call through without a limit, and cached answers spend nothing', async () => {
    const unlimited = new LlmSpendLedger({ budget: {} });
    const inner = new CountingClient();
    const client = new BudgetedLlmClient(inner, unlimited, labels);
    for (let i = 0; i < 20; i++) await client.complete(request);
    expect(inner.calls).toBe(20);
    expect(unlimited.stop).toBeUndefined();

    const tight = new LlmSpendLedger({ budget: { perRunUsd: COST_PER_CALL / 2 } });
    const cached = new CountingClient(true);
    const fromCache = new BudgetedLlmClient(cached, tight, labels);
    for (let i = 0; i < 5; i++) await fromCache.complete(request);
    expect(cached.calls).toBe(5);
    expect(tight.spentUsd).toBe(0);
  });

  it("counts the day's earlier spend toward the day budget, and a new UTC day starts from zero", async () => {
    const clock = manualClock('2026-03-02T23:00:00.000Z');
    const ledger = new LlmSpendLedger({
      budget: { perDayUsd: 1 },
      spentTodayBeforeUsd: 1 - COST_PER_CALL,
      clock,
    });
    const inner = new CountingClient();
    const client = new BudgetedLlmClient(inner, ledger, labels);
    await client.complete(request);
    await expect(client.complete(request)).rejects.toMatchObject({ budget: 'day', limitUsd: 1 });
    expect(ledger.stop).toEqual({
      budget: 'day',
      limitUsd: 1,
      spentUsd: expect.closeTo(1, 12),
      at: '2026-03-02T23:00:00.000Z',
    });
    clock.set('2026-03-03T00:00:01.000Z');
    await client.complete(request);
    expect(inner.calls).toBe(2);
    expect(ledger.spentTodayUsd).toBeCloseTo(COST_PER_CALL, 12);
  });

  it('books nothing for a call that failed', async () => {
    const ledger = new LlmSpendLedger({ budget: { perRunUsd: 1 } });
    const failing: LlmClient = { complete: () => Promise.reject(new Error('HTTP 500')) };
    await expect(new BudgetedLlmClient(failing, ledger, labels).complete(request)).rejects.toThrow(
      'HTTP 500',
    );
    expect(ledger.spentUsd).toBe(0);
  });
});

import type { AgentTeam, CycleOutcome, DecisionContext } from '@ats/agents';
import { describe, expect, it } from 'vitest';
import { BusConnectionWatch, BusOutageError, outageAwareTeam } from './bus-outage';

/** A connection whose status this test drives through `watch.note` (the stream itself never yields). */
const quietSource = {
  status: () => ({ [Symbol.asyncIterator]: () => ({ next: () => new Promise<never>(() => {}) }) }),
  isClosed: () => false,
};

const ctx = { correlationId: 'run:20230118T000000000Z' } as DecisionContext;
const outcome = (degraded: string[]): CycleOutcome =>
  ({
    decisions: [],
    targets: [],
    degraded: degraded.map((agent) => ({ agent, reason: 'timed out' })),
  }) as unknown as CycleOutcome;

/** A team that answers from a script, calling `during` on each run (to drive the connection meanwhile). */
function scriptedTeam(outcomes: CycleOutcome[], during: (run: number) => void = () => {}) {
  let runs = 0;
  const team: AgentTeam = {
    config: {} as AgentTeam['config'],
    async runCycle() {
      runs++;
      during(runs);
      return outcomes[Math.min(runs, outcomes.length) - 1] as CycleOutcome;
    },
  };
  return { team, runs: () => runs };
}

describe('outageAwareTeam', () => {
  it('a team run that met the bus down is asked again once the connection is back', async () => {
    const watch = new BusConnectionWatch(quietSource);
    const { team, runs } = scriptedTeam([outcome(['sentiment', 'risk']), outcome([])], (run) => {
      if (run === 1) {
        watch.note('disconnect');
        setTimeout(() => watch.note('reconnect'), 50);
      }
    });
    const waits: string[][] = [];
    const result = await outageAwareTeam(team, watch, {
      onWait: (e) => waits.push([...e.degraded]),
    }).runCycle(ctx);
    expect(result.degraded).toEqual([]);
    expect(runs()).toBe(2);
    expect(waits).toEqual([['sentiment', 'risk']]);
  });

  it('an agent failing on a healthy bus degrades the cycle as before: no wait, one run', async () => {
    const watch = new BusConnectionWatch(quietSource);
    const { team, runs } = scriptedTeam([outcome(['technical']), outcome([])]);
    const result = await outageAwareTeam(team, watch).runCycle(ctx);
    expect(result.degraded.map((d) => d.agent)).toEqual(['technical']);
    expect(runs()).toBe(1);
  });

  it('a team run degraded just after a reconnect (agents still resubscribing) is asked again', async () => {
    let clock = 10_000;
    const watch = new BusConnectionWatch(quietSource, () => clock);
    watch.note('disconnect');
    clock += 10_000;
    watch.note('reconnect');
    clock += 1_000;
    const { team, runs } = scriptedTeam([outcome(['portfolio']), outcome([])]);
    const result = await outageAwareTeam(team, watch, { settleMs: 5_000, now: () => clock }).runCycle(ctx);
    expect(result.degraded).toEqual([]);
    expect(runs()).toBe(2);
  });

  it('the bus down past the budget fails the cycle with BusOutageError', async () => {
    const watch = new BusConnectionWatch(quietSource);
    const { team } = scriptedTeam([outcome(['sentiment'])], () => watch.note('disconnect'));
    const failure = outageAwareTeam(team, watch, { budgetMs: 100 }).runCycle(ctx);
    await expect(failure).rejects.toBeInstanceOf(BusOutageError);
    await expect(failure).rejects.toThrow(/NATS unreachable for more than 100 ms during cycle run:/);
  });
});

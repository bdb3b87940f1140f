import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { HEDGE_LATENCY_FACTOR, ReplicaFailover } from './replica-failover';

describe('ReplicaFailover hedge delay', () => {
  it('is learnt from replies that did the work, not from a replica that refused at once', async () => {
    const failover = new ReplicaFailover(10_000);
    // No reply times yet: half the timeout.
    expect(failover.hedgeAfterMs()).toBe(5_000);
    const refused = await failover.request(
      async () => 'refused',
      (reply) => reply !== 'refused',
    );
    expect(refused).toEqual({ reply: 'refused', attempts: 1 });
    expect(failover.hedgeAfterMs()).toBe(5_000);
    await failover.request(async () => {
      await sleep(250);
      return 'analysed';
    });
    // A timer waits at least its delay, so the learnt delay is at least three times it.
    expect(failover.hedgeAfterMs()).toBeGreaterThanOrEqual(HEDGE_LATENCY_FACTOR * 249);
  });
});

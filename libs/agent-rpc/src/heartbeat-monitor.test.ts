import { type Heartbeat, ManualClock } from '@ats/contracts';
import { describe, expect, it } from 'vitest';
import { HeartbeatMonitor } from './heartbeat-monitor';

const beat = (service: string, instanceId: string, handled = 0): Heartbeat => ({
  service,
  instanceId,
  agent: 'technical',
  ts: '2024-01-02T00:00:00.000Z',
  inflight: 0,
  handled,
  version: '1.0.0',
});

describe('HeartbeatMonitor', () => {
  it('keeps the last beat per instance and calls a service alive while one instance is fresh', () => {
    const clock = new ManualClock('2024-01-02T00:00:00.000Z');
    const monitor = new HeartbeatMonitor({ clock, staleAfterMs: 15_000, forgetAfterMs: 60_000 });
    monitor.observe(beat('technical-agent', 'a', 1));
    monitor.observe(beat('technical-agent', 'b'));
    clock.set('2024-01-02T00:00:10.000Z');
    monitor.observe(beat('technical-agent', 'a', 7));
    expect(monitor.instances().map((i) => [i.instanceId, i.handled, i.ageMs])).toEqual([
      ['a', 7, 0],
      ['b', 0, 10_000],
    ]);
    clock.set('2024-01-02T00:00:20.000Z');
    // b last beat 20 s ago (> 15 s): stale; a 10 s ago: alive, so the service is alive with one instance.
    expect(monitor.services()).toMatchObject([{ service: 'technical-agent', alive: true, liveInstances: 1 }]);
    clock.set('2024-01-02T00:00:26.000Z');
    expect(monitor.isAlive('technical-agent')).toBe(false);
  });

  it('is ready only when every required service has a live instance, and forgets long-silent ones', () => {
    const clock = new ManualClock('2024-01-02T00:00:00.000Z');
    const monitor = new HeartbeatMonitor({ clock, staleAfterMs: 1_000, forgetAfterMs: 5_000 });
    monitor.observe(beat('risk-manager', 'r1'));
    expect(monitor.readiness(['risk-manager', 'portfolio-manager'])).toMatchObject({
      ready: false,
      missing: ['portfolio-manager'],
    });
    monitor.observe(beat('portfolio-manager', 'p1'));
    expect(monitor.readiness(['risk-manager', 'portfolio-manager']).ready).toBe(true);
    clock.set('2024-01-02T00:00:05.001Z');
    expect(monitor.instances()).toEqual([]);
    expect(monitor.readiness(['risk-manager']).missing).toEqual(['risk-manager']);
  });
});

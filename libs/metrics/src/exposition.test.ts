import { describe, expect, it } from 'vitest';
import { parseExposition, sampleSum } from './exposition';
import { registerTradingMetrics } from './families';
import { createServiceRegistry } from './registry';

describe('parseExposition', () => {
  it('reads back what a registry renders, labels included', async () => {
    const registry = createServiceRegistry({ service: 'svc', processMetrics: false });
    const metrics = registerTradingMetrics(registry);
    metrics.errors.inc({ component: 'a "quoted" one', kind: 'TypeError' }, 2);
    metrics.errors.inc({ component: 'b', kind: 'TypeError' });
    metrics.agentResponse.observe({ agent: 'risk', provider: 'offline', model: 'rules' }, 0.2);
    const samples = parseExposition(await registry.metrics());
    expect(sampleSum(samples, 'ats_errors_total', { kind: 'TypeError', service: 'svc' })).toBe(3);
    expect(sampleSum(samples, 'ats_errors_total', { component: 'a "quoted" one' })).toBe(2);
    expect(sampleSum(samples, 'ats_agent_response_seconds_count', { agent: 'risk' })).toBe(1);
    expect(sampleSum(samples, 'ats_agent_response_seconds_bucket', { le: '0.1' })).toBe(0);
    expect(sampleSum(samples, 'ats_agent_response_seconds_bucket', { le: '0.25' })).toBe(1);
  });
});

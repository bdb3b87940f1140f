import { agentCalibration, callOutcomes } from '@ats/performance';
import { describe, expect, it } from 'vitest';
import { type ReportWeightPath, renderConsoleSummary, renderJsonReport, renderTearSheet } from '../src/index';
import { aaplTrendRun, HOSTILE_TEXT } from './fixture';

const day = (d: number) => new Date(Date.UTC(2023, 0, 2 + d)).toISOString();

/** Two agents' calls on a rising then falling path: technical right on every call, sentiment always wrong. */
function calibration() {
  const prices = Array.from({ length: 40 }, (_, d) => ({ ts: day(d), price: 100 + 10 * Math.sin(d / 4) }));
  const calls = prices.slice(0, 34).flatMap((p, d) => {
    const next = (prices[d + 1]?.price ?? 0) > p.price;
    const confidence = 0.2 + (d % 5) * 0.2;
    return [
      { agent: 'technical', symbol: 'AAPL', ts: p.ts, signal: next ? 'BUY' : 'SELL', confidence },
      { agent: HOSTILE_TEXT, symbol: 'AAPL', ts: p.ts, signal: next ? 'SELL' : 'BUY', confidence },
    ];
  });
  return agentCalibration(callOutcomes(calls, new Map([['AAPL', prices]])));
}

const weightPaths: ReportWeightPath[] = [
  {
    variant: 'adaptive weights',
    points: Array.from({ length: 10 }, (_, d) => ({
      asOf: day(d),
      weights: { technical: d < 5 ? 0.6 : 0.9, sentiment: d < 5 ? 0.4 : 0.1 },
      source: d < 5 ? 'static' : 'adaptive',
    })),
  },
];

describe('agent calibration and weight paths in the reports', () => {
  it('draws the calibration table, the reliability curve and the weight paths; escapes agent names', () => {
    const input = { ...aaplTrendRun(), calibration: calibration(), weightPaths };
    const html = renderTearSheet(input);
    const section = html.slice(html.indexOf('<section id="calibration">'));
    expect(section).toContain('<h2>Agent calibration</h2>');
    // Technical is right on every 1-day call: hit rate 100%, IC 1.
    expect(section).toMatch(
      /<td class="text">technical<\/td><td>1d<\/td><td>34<\/td><td>34<\/td><td>100.0%<\/td>/,
    );
    expect(section).toContain('id="reliability-curve"');
    expect(section).toContain('<circle');
    expect(html).toContain('<section id="weight-paths">');
    expect(html).toContain('5 of 10 decision times adaptive');
    expect(html).not.toContain('<script>alert');
    const json = JSON.parse(renderJsonReport(input));
    expect(json.calibration[0].agent).toBe('technical');
    expect(json.calibration[0].horizons.map((h: { horizon: number }) => h.horizon)).toEqual([1, 5, 20]);
    expect(json.calibration[0].horizons[0].informationCoefficient).toBeGreaterThan(0.5);
    expect(json.calibration[1].horizons[0].informationCoefficient).toBeLessThan(-0.5);
    expect(json.weightPaths[0].points).toHaveLength(10);
    expect(renderConsoleSummary(input)).toContain('Agent calibration');
  });

  it('is absent when a run has no calibration (reports of other runs unchanged)', () => {
    const input = aaplTrendRun();
    expect(renderTearSheet(input)).not.toContain('id="calibration"');
    expect(JSON.parse(renderJsonReport(input)).calibration).toBeUndefined();
  });
});

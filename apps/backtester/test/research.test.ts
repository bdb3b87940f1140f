import { runBacktestJob } from '@ats/backtest-jobs';
import { BacktestRequestSchema } from '@ats/contracts';
import { LocalCsvProvider } from '@ats/market-data';
import { renderJsonReport, renderTearSheet } from '@ats/reports';
import { describe, expect, it } from 'vitest';
import { parseCliOptions } from '../src/options';
import { expandSweep, parseSweepAxis } from '../src/sweep';

const bars = new LocalCsvProvider();

describe('research figures of the 2023 main job (offline reasoner)', () => {
  it('reports per-agent calibration, the reliability curve, the adaptive weight path and the ablation rows', async () => {
    const output = await runBacktestJob(BacktestRequestSchema.parse({}), { bars });
    const json = JSON.parse(renderJsonReport(output.report));
    // Static weights stay the default: the main run is the README's, the adaptive run is an ablation row.
    expect(json.config.request.weighting).toBeUndefined();
    const variants = json.attribution.map((row: { variant: string }) => row.variant);
    expect(variants).toContain('adaptive weights (instead of static)');
    expect(variants).toContain('without risk manager (no vetoes, equal slots)');
    const agents = json.calibration.map((a: { agent: string }) => a.agent);
    expect(agents).toEqual(['technical', 'sentiment', 'portfolio']);
    for (const agent of json.calibration) {
      expect(agent.horizons.map((h: { horizon: number }) => h.horizon)).toEqual([1, 5, 20]);
      // 52 weekly decisions × 9 symbols; the last ones have no 20-day outcome inside 2023's bars.
      expect(agent.horizons[0].outcomes).toBe(468);
      expect(agent.horizons[2].outcomes).toBeLessThan(468);
    }
    expect(json.weightPaths).toHaveLength(1);
    expect(json.weightPaths[0].variant).toBe('adaptive weights (instead of static)');
    expect(json.weightPaths[0].points).toHaveLength(52);
    const html = renderTearSheet(output.report);
    expect(html).toContain('id="reliability-curve"');
    expect(html).toContain('<section id="weight-paths">');
  });

  it('runs adaptive as the main weighting when asked, with static as the comparison row', async () => {
    const options = parseCliOptions(['--weights=adaptive', '--start=2023-01-01', '--end=2023-06-30']);
    expect(options.request.weighting).toBe('adaptive');
    expect(options.request.weights).toEqual({ technical: 0.6, sentiment: 0.4 });
    const output = await runBacktestJob(options.request, { bars });
    expect(output.report.title).toContain('adaptive weights from technical 0.6');
    expect(output.attribution.map((r) => r.variant)).toContain('static weights (instead of adaptive)');
    // The risk-manager ablation keeps the run's weighting: only the risk manager is taken out.
    expect(output.report.weightPaths?.map((p) => p.variant)).toEqual([
      'all',
      'without risk manager (no vetoes, equal slots)',
    ]);
    expect(parseCliOptions(['--weights=adaptive,t=0.7,s=0.3']).request).toMatchObject({
      weighting: 'adaptive',
      weights: { technical: 0.7, sentiment: 0.3 },
    });
    expect(parseCliOptions(['--weights=t=0.5,s=0.5']).request.weighting).toBeUndefined();
    // A sweep can compare the two weightings.
    const cases = expandSweep(options.request, [parseSweepAxis('weighting=static,adaptive')]);
    expect(cases.map((c) => c.request.weighting)).toEqual(['static', 'adaptive']);
  });
});

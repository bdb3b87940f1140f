import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRIC_DEFINITIONS, renderMetricsMarkdown } from '../src/index';

describe('docs/metrics.md', () => {
  it('is the rendering of METRIC_DEFINITIONS (run `npm run docs -w @ats/performance` after editing them)', () => {
    const onDisk = readFileSync(new URL('../../../docs/metrics.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(renderMetricsMarkdown());
  });

  it('documents every headline metric', () => {
    const keys = METRIC_DEFINITIONS.map((d) => d.key);
    for (const key of ['sharpe', 'sortino', 'cagr', 'maxDrawdown', 'calmar', 'alpha', 'beta', 'turnover']) {
      expect(keys).toContain(key);
    }
  });
});

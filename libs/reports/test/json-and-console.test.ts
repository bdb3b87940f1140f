import { describe, expect, it } from 'vitest';
import {
  alignTable,
  canonicalize,
  canonicalMetricsAndEquity,
  printConsoleSummary,
  renderConsoleSummary,
  renderJsonReport,
  toCanonicalJson,
} from '../src/index';
import { aaplTrendRun } from './fixture';

const ESC = '\u001b';

describe('canonical JSON', () => {
  it('sorts keys, rounds numbers to 12 significant digits and maps non-finite numbers to null', () => {
    const text = toCanonicalJson({
      b: 0.1 + 0.2,
      a: { z: -0, y: Number.NaN, x: 1 / 3 },
      c: [3, undefined, 1],
    });
    expect(text).toBe(
      '{\n  "a": {\n    "x": 0.333333333333,\n    "y": null,\n    "z": 0\n  },\n  "b": 0.3,\n  "c": [\n    3,\n    null,\n    1\n  ]\n}\n',
    );
  });

  it("gives a sweep thread the JSON report's metrics and equity curve without rendering the rest", () => {
    const report = aaplTrendRun();
    const parsed = JSON.parse(renderJsonReport(report)) as { metrics: unknown; equityCurve: unknown[] };
    const parts = canonicalMetricsAndEquity(report);
    expect(parts.metrics).toStrictEqual(parsed.metrics);
    expect(parts.equityCurve).toStrictEqual(parsed.equityCurve);
    expect(parsed.equityCurve.length).toBeGreaterThan(100);
    // Same bytes once written, as the queue's stored rows are.
    expect(JSON.stringify(parts)).toBe(
      JSON.stringify({ metrics: parsed.metrics, equityCurve: parsed.equityCurve }),
    );
  });

  it('is byte-identical for identical content whatever the key insertion order', () => {
    expect(toCanonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(toCanonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
    expect(renderJsonReport(aaplTrendRun())).toBe(renderJsonReport(aaplTrendRun()));
  });

  it('keeps integers exact and drops undefined properties', () => {
    expect(canonicalize({ volume: 112_117_500, missing: undefined })).toEqual({ volume: 112_117_500 });
  });

  it('holds config, metrics, series, equity curve, trades, decisions and LLM usage', () => {
    const run = aaplTrendRun();
    const report = JSON.parse(renderJsonReport(run));
    expect(Object.keys(report)).toEqual([
      'attribution',
      'config',
      'decisions',
      'equityCurve',
      'fills',
      'generatedAt',
      'llmUsage',
      'metrics',
      'schemaVersion',
      'series',
      'title',
      'trades',
    ]);
    expect(report.equityCurve).toHaveLength(250);
    expect(report.trades).toHaveLength(run.trades.length);
    expect(report.metrics.sharpe).toBeCloseTo(run.performance.metrics.sharpe!, 10);
    expect(report.llmUsage.calls).toBe(120);
    expect(report.series.monthlyReturns).toHaveLength(1);
  });
});

describe('console summary', () => {
  const run = aaplTrendRun();

  it('aligns columns: every row of a table has the same width', () => {
    const lines = alignTable([
      ['Metric', 'Value'],
      ['Sharpe', '1.23'],
      ['Max drawdown', '-15.05%'],
    ]);
    expect(lines).toEqual(['Metric          Value', 'Sharpe           1.23', 'Max drawdown  -15.05%']);
  });

  it('prints plain text without colour codes unless asked', () => {
    const text = renderConsoleSummary(run);
    expect(text).not.toContain(ESC);
    expect(text).toContain('Sharpe');
    expect(text).toContain('LLM: 120 calls (30 cached)');
    expect(text).toContain('buy and hold');
    expect(renderConsoleSummary(run, { color: true })).toContain(`${ESC}[32m`);
  });

  it('colours only a TTY', () => {
    const capture = (isTTY: boolean) => {
      let written = '';
      const stream = {
        isTTY,
        write: (chunk: string) => {
          written += chunk;
          return true;
        },
      };
      printConsoleSummary(run, stream as unknown as NodeJS.WritableStream);
      return written;
    };
    const previous = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    try {
      expect(capture(false)).not.toContain(ESC);
      expect(capture(true)).toContain(`${ESC}[1m`);
    } finally {
      if (previous !== undefined) process.env.NO_COLOR = previous;
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  DATA_QUALITY_FINDINGS_SHOWN,
  type ReportDataQuality,
  renderJsonReport,
  renderTearSheet,
} from '../src/index';
import { aaplTrendRun, HOSTILE_TEXT } from './fixture';

const finding = (i: number) => ({
  symbol: 'AAPL',
  kind: 'rejected-row',
  date: `2023-03-${String(1 + (i % 28)).padStart(2, '0')}`,
  action: 'dropped',
  reason: 'high-below-low',
  message: `AAPL 2023-03-01: row dropped (high-below-low: high 95 below low 99) #${i}`,
});

describe('data quality in the reports', () => {
  it('shows each finding in the tear sheet and keeps its fields in the JSON report', () => {
    const dataQuality: ReportDataQuality = {
      symbols: ['AAPL', 'SPY'],
      strict: false,
      findings: [finding(0), { ...finding(1), message: HOSTILE_TEXT }],
    };
    const input = { ...aaplTrendRun(), dataQuality };
    const html = renderTearSheet(input);
    const section = html.slice(html.indexOf('<section id="data-quality">'));
    expect(section).toContain('<h2>Data quality</h2>');
    expect(section).toContain('2 symbol(s) checked (AAPL, SPY): 2 finding(s)');
    expect(section).toContain('row dropped (high-below-low: high 95 below low 99) #0');
    expect(section).not.toContain('<script>alert');
    const json = JSON.parse(renderJsonReport(input));
    expect(json.dataQuality.findings[0]).toEqual(finding(0));
  });

  it('says when there was nothing to report, caps the table, and is absent without a check', () => {
    const clean = renderTearSheet({
      ...aaplTrendRun(),
      dataQuality: { symbols: ['AAPL'], strict: true, findings: [] },
    });
    expect(clean).toContain('1 symbol(s) checked (AAPL), strict mode: no findings.');
    const many = Array.from({ length: DATA_QUALITY_FINDINGS_SHOWN + 5 }, (_, i) => finding(i));
    const capped = renderTearSheet({
      ...aaplTrendRun(),
      dataQuality: { symbols: ['AAPL'], strict: false, findings: many },
    });
    expect(capped).toContain(`First ${DATA_QUALITY_FINDINGS_SHOWN} shown; all are in the JSON report.`);
    expect(capped).not.toContain(`#${DATA_QUALITY_FINDINGS_SHOWN}<`);
    const without = aaplTrendRun();
    expect(renderTearSheet(without)).not.toContain('id="data-quality"');
    expect(JSON.parse(renderJsonReport(without))).not.toHaveProperty('dataQuality');
  });
});

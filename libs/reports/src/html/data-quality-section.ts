import { escapeHtml } from './escape';

/** One data-quality finding as the report shows it (@ats/market-data's DataQualityFinding fits, extra fields kept). */
export interface ReportDataQualityFinding {
  readonly symbol: string;
  readonly kind: string;
  readonly date: string;
  /** What the run did: dropped, kept-first, kept, cut. */
  readonly action: string;
  readonly message: string;
}

/** What the data check of a run looked at and found. */
export interface ReportDataQuality {
  readonly symbols: readonly string[];
  /** Strict data mode: any finding would have refused the run (so a strict report has none). */
  readonly strict: boolean;
  readonly findings: readonly ReportDataQualityFinding[];
}

/** The tear sheet lists this many findings; the JSON report keeps all of them. */
export const DATA_QUALITY_FINDINGS_SHOWN = 100;

/** The "Data quality" section: every repair or rejection the run's data needed, or a line saying there was none. */
export function renderDataQualitySection(quality: ReportDataQuality | undefined): string {
  if (!quality) return '';
  const { findings, symbols } = quality;
  const checked = `${symbols.length} symbol(s) checked (${symbols.join(', ')})${quality.strict ? ', strict mode' : ''}`;
  if (findings.length === 0) {
    return `<section id="data-quality"><h2>Data quality</h2><p class="sub">${escapeHtml(`${checked}: no findings.`)}</p></section>`;
  }
  const shown = findings.slice(0, DATA_QUALITY_FINDINGS_SHOWN);
  const rows = shown.map(
    (f) =>
      `<tr><td class="text">${escapeHtml(f.symbol)}</td><td>${escapeHtml(f.date)}</td><td class="text">${escapeHtml(f.kind)}</td>` +
      `<td class="text">${escapeHtml(f.action)}</td><td class="reason">${escapeHtml(f.message)}</td></tr>`,
  );
  const more =
    findings.length > shown.length ? ` First ${shown.length} shown; all are in the JSON report.` : '';
  const head = ['Symbol', 'Date', 'Finding', 'Action', 'Detail']
    .map((h, i) => `<th${i === 0 ? ' class="text"' : ''}>${h}</th>`)
    .join('');
  return (
    '<section id="data-quality"><h2>Data quality</h2>' +
    `<p class="sub">${escapeHtml(`${checked}: ${findings.length} finding(s); the figures above are computed on the data as repaired here.${more}`)}</p>` +
    `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`
  );
}

import type { ReportDataQuality } from '@ats/reports';

/** The console lists this many findings; the JSON and HTML reports carry the rest. */
export const FINDINGS_ON_CONSOLE = 20;

/**
 * The data check's findings for stderr (stdout stays the summary or the JSON report): one line each, or nothing
 * when the data needed no repair.
 */
export function renderDataQualityConsole(quality: ReportDataQuality): string {
  const { findings } = quality;
  if (findings.length === 0) return '';
  const listed = findings.slice(0, FINDINGS_ON_CONSOLE).map((f) => `  ${f.message}\n`);
  const more = findings.length - listed.length;
  return (
    `data quality: ${findings.length} finding(s) in ${quality.symbols.join(', ')}; the run used the data as repaired below (--strict-data refuses instead)\n` +
    listed.join('') +
    (more > 0 ? `  … and ${more} more in the report\n` : '')
  );
}

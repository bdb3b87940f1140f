import type { DataQualityFinding } from './data-quality';

/** How many findings the error's message lists before "… and N more". */
const FINDINGS_IN_MESSAGE = 10;

/** Strict data mode: the bars have findings, so the run is refused instead of repaired and reported. */
export class DataQualityError extends Error {
  override readonly name = 'DataQualityError';
  constructor(readonly findings: readonly DataQualityFinding[]) {
    const listed = findings.slice(0, FINDINGS_IN_MESSAGE).map((f) => `  ${f.message}`);
    const more = findings.length - listed.length;
    super(
      [
        `strict data mode: ${findings.length} data-quality finding(s), run refused`,
        ...listed,
        ...(more > 0 ? [`  … and ${more} more`] : []),
      ].join('\n'),
    );
  }
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJsonReport } from './canonical-json';
import { renderTearSheet } from './html/tear-sheet';
import type { BacktestReportInput } from './types';

export interface WrittenReports {
  readonly jsonPath: string;
  readonly htmlPath: string;
}

/** File adapter: writes `<baseName>.json` and `<baseName>.html` into `directory` (created if missing). */
export function writeReports(
  directory: string,
  baseName: string,
  input: BacktestReportInput,
): WrittenReports {
  mkdirSync(directory, { recursive: true });
  const jsonPath = join(directory, `${baseName}.json`);
  const htmlPath = join(directory, `${baseName}.html`);
  writeFileSync(jsonPath, renderJsonReport(input));
  writeFileSync(htmlPath, renderTearSheet(input));
  return { jsonPath, htmlPath };
}

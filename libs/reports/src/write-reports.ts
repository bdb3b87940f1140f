import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJsonReport } from './canonical-json';
import { renderTearSheet } from './html/tear-sheet';
import type { BacktestReportInput } from './types';

/** The rendered reports: what a store or `--json` needs again, so nothing renders them twice. */
export interface RenderedReports {
  readonly json: string;
  readonly html: string;
}

export interface WrittenReports extends RenderedReports {
  readonly jsonPath: string;
  readonly htmlPath: string;
}

/**
 * File adapter: writes `<baseName>.json` and `<baseName>.html` into `directory` (created if missing); returns their
 * paths and texts.
 */
export function writeReports(
  directory: string,
  baseName: string,
  input: BacktestReportInput,
): WrittenReports {
  mkdirSync(directory, { recursive: true });
  const jsonPath = join(directory, `${baseName}.json`);
  const htmlPath = join(directory, `${baseName}.html`);
  const json = renderJsonReport(input);
  const html = renderTearSheet(input);
  writeFileSync(jsonPath, json);
  writeFileSync(htmlPath, html);
  return { jsonPath, htmlPath, json, html };
}

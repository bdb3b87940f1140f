import { join } from 'node:path';
import type { DatedNewsItem } from '@ats/contracts';
import { parseCsvRecords } from '../csv';
import { availableFromNextOpen, newYorkDayStart } from '../point-in-time';
import { loadOnce } from './load-once';
import { stableId } from './stable-id';

export const HEADLINES_FILE = join('news', 'headlines.csv');
export const LOCAL_HEADLINES_SOURCE = 'local-headlines';

export interface HeadlineFilterOptions {
  /**
   * Keep rows whose headline does not name the company (`company_in_headline=false`): market round-ups and
   * search noise such as "meta-analysis" results for META. Off by default: they say nothing about the company.
   */
  readonly includeRoundUps?: boolean;
}

const COLUMNS = [
  'date',
  'published_at_utc',
  'time_precision',
  'ticker',
  'headline',
  'publisher',
  'company_in_headline',
  'url',
] as const;

/**
 * Rows of `news/headlines.csv` as dated news items. `minute`/`second` rows carry the real publication time and
 * count from it; a `day` row dated D is written as published at D 00:00 New York and counts from the open of the
 * first session after D.
 */
export function parseHeadlinesCsv(text: string, options: HeadlineFilterOptions = {}): DatedNewsItem[] {
  const items: DatedNewsItem[] = [];
  for (const row of parseCsvRecords(text, COLUMNS)) {
    if (!options.includeRoundUps && row.company_in_headline !== 'true') continue;
    const precision = row.time_precision as string;
    if (precision !== 'minute' && precision !== 'second' && precision !== 'day') {
      throw new Error(`${HEADLINES_FILE}: unknown time_precision "${precision}"`);
    }
    const ticker = row.ticker as string;
    const headline = row.headline as string;
    const dayOnly = precision === 'day';
    const publishedAt = dayOnly
      ? newYorkDayStart(row.date as string)
      : new Date(row.published_at_utc as string).toISOString();
    items.push({
      id: stableId(ticker, dayOnly ? (row.date as string) : publishedAt, headline),
      source: LOCAL_HEADLINES_SOURCE,
      publishedAt,
      availableAt: dayOnly ? availableFromNextOpen(row.date as string) : publishedAt,
      timePrecision: precision,
      title: headline,
      summary: '',
      ...(row.url ? { url: row.url } : {}),
      symbols: [ticker],
      ...(row.publisher ? { publisher: row.publisher } : {}),
    });
  }
  return items;
}

/** `cacheDir`: where a compiled build keeps the parsed file (see loadOnce). */
export function loadHeadlines(
  dataDir: string,
  options: HeadlineFilterOptions = {},
  cacheDir?: string,
): Promise<DatedNewsItem[]> {
  const filter = options.includeRoundUps ? 'all' : 'company';
  return loadOnce(
    join(dataDir, HEADLINES_FILE),
    `headlines-${filter}`,
    (text) => parseHeadlinesCsv(text, options),
    cacheDir,
  );
}

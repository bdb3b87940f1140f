import { join } from 'node:path';
import type { MarketMoodReading } from '@ats/contracts';
import { parseCsvRecords } from '../csv';
import { availableFromNextOpen } from '../point-in-time';
import { loadOnce } from './load-once';

export const FEAR_GREED_FILE = join('market-mood', 'fear_greed.csv');

const RATINGS = new Set<MarketMoodReading['rating']>([
  'extreme fear',
  'fear',
  'neutral',
  'greed',
  'extreme greed',
]);

/**
 * Rows of `market-mood/fear_greed.csv`. The value for day D is CNN's end-of-day reading: it counts from the open
 * of the first session after D. `source` is the file's segment (`cnn` from CNN's data, `archive` reconstructed).
 */
export function parseFearGreedCsv(text: string): MarketMoodReading[] {
  return parseCsvRecords(text, ['date', 'fear_greed', 'rating', 'segment']).map((row) => {
    const rating = row.rating as MarketMoodReading['rating'];
    if (!RATINGS.has(rating))
      throw new Error(`${FEAR_GREED_FILE}: unknown rating "${row.rating}" on ${row.date}`);
    return {
      date: row.date as string,
      availableAt: availableFromNextOpen(row.date as string),
      value: Number(row.fear_greed),
      rating,
      source: row.segment as string,
    };
  });
}

/** `cacheDir`: where a compiled build keeps the parsed file (see loadOnce). */
export function loadFearGreed(dataDir: string, cacheDir?: string): Promise<MarketMoodReading[]> {
  return loadOnce(join(dataDir, FEAR_GREED_FILE), 'fear-greed', parseFearGreedCsv, cacheDir);
}

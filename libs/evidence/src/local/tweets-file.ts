import { join } from 'node:path';
import type { SocialPost } from '@ats/contracts';
import { parseCsvRecords } from '../csv';
import { loadOnce } from './load-once';

export const TWEETS_FILE = join('social', 'tweets_2014_2016.csv');
export const TWITTER_ARCHIVE_SOURCE = 'twitter-archive';

const COLUMNS = ['created_at_utc', 'ticker', 'tweet_id', 'is_retweet', 'user_followers', 'text'] as const;

/**
 * Rows of `social/tweets_2014_2016.csv` as posts, counting from their creation time. The file repeats a tweet
 * once per ticker it tags; here it is one post naming all of them (a snapshot of AAPL and GOOGL holds it once).
 */
export function parseTweetsCsv(text: string): SocialPost[] {
  const byId = new Map<string, SocialPost & { symbols: string[] }>();
  for (const row of parseCsvRecords(text, COLUMNS)) {
    const id = row.tweet_id as string;
    const ticker = row.ticker as string;
    const existing = byId.get(id);
    if (existing) {
      if (!existing.symbols.includes(ticker)) existing.symbols.push(ticker);
      continue;
    }
    const postedAt = new Date(row.created_at_utc as string).toISOString();
    const followers = Number(row.user_followers);
    byId.set(id, {
      id,
      source: TWITTER_ARCHIVE_SOURCE,
      symbols: [ticker],
      postedAt,
      availableAt: postedAt,
      text: row.text as string,
      isRepost: row.is_retweet === 'true',
      ...(row.user_followers !== '' && Number.isInteger(followers) && followers >= 0
        ? { authorFollowers: followers }
        : {}),
    });
  }
  return [...byId.values()];
}

/** `cacheDir`: where a compiled build keeps the parsed file (see loadOnce). */
export function loadTweets(dataDir: string, cacheDir?: string): Promise<SocialPost[]> {
  return loadOnce(join(dataDir, TWEETS_FILE), 'tweets', parseTweetsCsv, cacheDir);
}

/**
 * Draws the tweets to label by hand: a fixed-seed sample spread evenly over tickers and calendar quarters, one post
 * per distinct text (retweets and copies of a text count once), printed as `tweet_id,ticker,date,text` lines to read.
 * Usage: npx tsx libs/sentiment/src/social/sample-tweets.ts [perStratum=15] > /tmp/to-label.tsv
 * The texts are printed for the labeller only; the fixture keeps ids, ticker and label.
 */
import { loadTweets, type Tweet } from '../datasets';
import { mulberry32, shuffled } from '../random';

export const SAMPLE_SEED = 20140101;
export const SAMPLE_PER_STRATUM = 15;

function quarter(dateEt: string): string {
  const month = Number(dateEt.slice(5, 7));
  return `${dateEt.slice(0, 4)}Q${Math.ceil(month / 3)}`;
}

/** Text without the retweet prefix, links and case: two posts with the same key say the same thing. */
function duplicateKey(text: string): string {
  return text
    .replace(/^RT @\w+:\s*/i, '')
    .replace(/https?:\/\/\S*/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export function sampleTweets(tweets: readonly Tweet[], perStratum: number, seed = SAMPLE_SEED): Tweet[] {
  const strata = new Map<string, Tweet[]>();
  for (const t of tweets) {
    // The ten 2013-12-31 rows belong with the first quarter of 2014.
    const key = `${t.ticker}|${t.dateEt < '2014' ? '2014Q1' : quarter(t.dateEt)}`;
    let list = strata.get(key);
    if (list === undefined) {
      list = [];
      strata.set(key, list);
    }
    list.push(t);
  }
  const random = mulberry32(seed);
  const seen = new Set<string>();
  const out: Tweet[] = [];
  for (const key of [...strata.keys()].sort()) {
    let taken = 0;
    for (const t of shuffled(strata.get(key) ?? [], random)) {
      if (taken === perStratum) break;
      const dup = duplicateKey(t.text);
      if (seen.has(dup)) continue;
      seen.add(dup);
      out.push(t);
      taken++;
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const perStratum = Number(process.argv[2] ?? SAMPLE_PER_STRATUM);
  for (const t of sampleTweets(loadTweets(), perStratum)) {
    process.stdout.write(`${t.tweetId}\t${t.ticker}\t${t.dateEt}\t${t.text.replace(/\s+/g, ' ')}\n`);
  }
}

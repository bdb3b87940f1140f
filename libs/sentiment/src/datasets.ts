/**
 * The labelled sets the offline model is trained and measured on, read from the data folder (DATA__DIR) — third-party
 * texts are never part of the repository. The project's own tweet labels (ids, ticker and label only) live in
 * `fixtures/social-labels.csv` and are joined to the texts on tweet_id + ticker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@ats/config';
import { parseCsvRecords } from './csv';
import { type LabelledText, parseLabelledCsv } from './evaluation';
import type { SentimentLabel } from './scorer';

export const PHRASEBANK_FILE = 'sentiment/phrasebank.csv';
export const TWEETS_FILE = 'social/tweets_2014_2016.csv';
/** The hand labels of sampled tweets (see fixtures/social-labels.md for the rules). */
export const SOCIAL_LABELS_PATH = fileURLToPath(new URL('../fixtures/social-labels.csv', import.meta.url));

export type SocialLabel = 'bullish' | 'bearish' | 'neutral';
const SOCIAL_TO_SENTIMENT: Record<SocialLabel, SentimentLabel> = {
  bullish: 'positive',
  bearish: 'negative',
  neutral: 'neutral',
};

export interface Tweet {
  readonly createdAt: string;
  readonly dateEt: string;
  readonly ticker: string;
  readonly tweetId: string;
  readonly isRetweet: boolean;
  readonly text: string;
}

export interface LabelledTweet extends LabelledText {
  readonly tweetId: string;
  readonly ticker: string;
}

export class MissingDataError extends Error {
  constructor(readonly path?: string) {
    super(
      path === undefined ? 'no data folder: set DATA__DIR' : `data file not found: ${path} (check DATA__DIR)`,
    );
    this.name = 'MissingDataError';
  }
}

/** Absolute data folder from the configuration; throws when none is configured or found. */
export function dataDir(): string {
  const dir = loadConfig().data.dir;
  if (dir === undefined) throw new MissingDataError();
  return dir;
}

function readDataFile(relative: string, dir: string): string {
  const path = join(dir, relative);
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw Object.assign(new MissingDataError(path), { cause });
  }
}

/** Financial PhraseBank sentences (text,label). */
export function loadPhrasebank(dir: string = dataDir()): LabelledText[] {
  return parseLabelledCsv(readDataFile(PHRASEBANK_FILE, dir));
}

export function loadTweets(dir: string = dataDir()): Tweet[] {
  return parseCsvRecords(readDataFile(TWEETS_FILE, dir)).map((r) => ({
    createdAt: r.created_at_utc ?? '',
    dateEt: r.date_et ?? '',
    ticker: r.ticker ?? '',
    tweetId: r.tweet_id ?? '',
    isRetweet: r.is_retweet === 'true',
    text: r.text ?? '',
  }));
}

export interface SocialLabelRow {
  readonly tweetId: string;
  readonly ticker: string;
  readonly label: SocialLabel;
}

export function parseSocialLabels(csv: string): SocialLabelRow[] {
  return parseCsvRecords(csv).map((r) => {
    const label = r.label as SocialLabel;
    if (!(label in SOCIAL_TO_SENTIMENT))
      throw new Error(`unknown social label "${r.label}" for ${r.tweet_id}`);
    return { tweetId: r.tweet_id ?? '', ticker: r.ticker ?? '', label };
  });
}

/** The hand-labelled tweets joined to their texts; bullish → positive, bearish → negative. */
export function loadLabelledTweets(
  dir: string = dataDir(),
  labelsPath = SOCIAL_LABELS_PATH,
): LabelledTweet[] {
  const labels = parseSocialLabels(readFileSync(labelsPath, 'utf8'));
  const texts = new Map<string, string>();
  for (const t of loadTweets(dir)) texts.set(`${t.tweetId}|${t.ticker}`, t.text);
  return labels.map((l) => {
    const text = texts.get(`${l.tweetId}|${l.ticker}`);
    if (text === undefined)
      throw new Error(`labelled tweet ${l.tweetId} (${l.ticker}) not in ${TWEETS_FILE}`);
    return { tweetId: l.tweetId, ticker: l.ticker, text, label: SOCIAL_TO_SENTIMENT[l.label] };
  });
}

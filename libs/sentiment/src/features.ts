/**
 * Text → sparse feature vector for the offline sentiment model. One tokeniser for news and social posts: links,
 * cashtags, user handles, signed percentages and numbers become placeholder tokens (`_url_`, `_cashtag_`, `_pctup_`…),
 * emoji are kept as tokens, and words within NEGATION_SCOPE_TOKENS after a negator carry a `not_` mark. Features are
 * word unigrams and bigrams, hashed (FNV-1a) into FEATURE_HASH_BITS bits, and word-list scores as dense features.
 * (Character 3–5-grams were tried: 0.8 points less accurate on the PhraseBank in cross-validation, 4× slower.)
 */
import { FINANCE_LEXICON, NEGATION_SCOPE_TOKENS, NEGATORS } from './lexicon';
import { NORMALISATION_ALPHA } from './scorer';
import { SOCIAL_LEXICON, SOCIAL_LEXICON_MAX_TOKENS } from './social-lexicon';

/** 2^20 hash slots: with ~40k distinct training features, collisions touch well under 1% of them. */
export const FEATURE_HASH_BITS = 20;
const HASH_MASK = (1 << FEATURE_HASH_BITS) - 1;

/**
 * Dense features, from word lists looked up on the model tokens (a `not_` token counts with the opposite sign):
 * the AFINN financial-news score normalised as the lexicon scorer does, its positive and negative sums / 5 (capped
 * at 2), and the bullish and bearish counts of trader slang (SOCIAL_LEXICON), capped at 2.
 */
export const DENSE_FEATURE_NAMES = [
  'lexicon:score',
  'lexicon:positive',
  'lexicon:negative',
  'slang:bullish',
  'slang:bearish',
] as const;
export const DENSE_FEATURE_COUNT = DENSE_FEATURE_NAMES.length;

/** Placeholder rewrites, each run only when the text has its trigger character (most sentences have none). */
const PLACEHOLDERS: readonly [string, RegExp, string][] = [
  ['http', /https?:\/\/\S*/g, ' _url_ '],
  ['www.', /www\.\S+/g, ' _url_ '],
  ['$', /\$[a-z][a-z._]*/g, ' _cashtag_ '],
  ['@', /@\w+/g, ' _user_ '],
  ['%', /\+\s?\d+(?:[.,]\d+)?\s?%/g, ' _pctup_ '],
  ['%', /(?:^|\s)[-−–]\s?\d+(?:[.,]\d+)?\s?%/g, ' _pctdown_ '],
  ['%', /\d+(?:[.,]\d+)*\s?%/g, ' _pct_ '],
];
const NUMBER = /\$?\d+(?:[.,]\d+)*[kmb]?/g;
const DIGIT = /\d/;

const TOKEN = /_[a-z]+_|[a-z]+(?:'[a-z]+)*|\p{Extended_Pictographic}|[!?]/gu;
/** Clause punctuation ends a negation scope ("!" and "?" are kept as tokens instead). */
const CLAUSE_END = /(?<=[.,;:])/;

/** Lower-cased model tokens with placeholders and negation marks. */
export function modelTokens(text: string): string[] {
  let s = text.toLowerCase().replace(/[’‘`]/g, "'").replace(/&amp;/g, '&');
  for (const [trigger, pattern, token] of PLACEHOLDERS)
    if (s.includes(trigger)) s = s.replace(pattern, token);
  if (DIGIT.test(s)) s = s.replace(NUMBER, ' _num_ ');
  if (s.includes('#')) s = s.replace(/#/g, ' ');
  const out: string[] = [];
  let negateLeft = 0;
  for (const clause of s.split(CLAUSE_END)) {
    negateLeft = 0;
    for (const match of clause.matchAll(TOKEN)) {
      let word = match[0];
      if (word.endsWith("'s")) word = word.slice(0, -2);
      if (NEGATORS.has(word) || word.endsWith("n't")) {
        out.push(word);
        negateLeft = NEGATION_SCOPE_TOKENS;
        continue;
      }
      if (negateLeft > 0 && word.length > 1 && word[0] !== '_') {
        out.push(`not_${word}`);
        negateLeft--;
      } else out.push(word);
    }
  }
  return out;
}

/** FNV-1a over a namespace tag and a string range, masked to FEATURE_HASH_BITS. */
function hashRange(tag: number, s: string, start: number, end: number): number {
  return (fnv(Math.imul((0x811c9dc5 ^ tag) >>> 0, 0x01000193), s, start, end) >>> 0) & HASH_MASK;
}

function fnv(h: number, s: string, start: number, end: number): number {
  let x = h;
  for (let i = start; i < end; i++) {
    x ^= s.charCodeAt(i);
    x = Math.imul(x, 0x01000193);
  }
  return x;
}

/** The slot of `${first} ${second}` without building the string (same value as hashRange on it). */
function hashPair(tag: number, first: string, second: string): number {
  let h = fnv(Math.imul((0x811c9dc5 ^ tag) >>> 0, 0x01000193), first, 0, first.length);
  h = Math.imul(h ^ 0x20, 0x01000193);
  return (fnv(h, second, 0, second.length) >>> 0) & HASH_MASK;
}

const TAG_WORD = 0x77;
const TAG_BIGRAM = 0x62;

/** Hash slot of a named sparse feature (`w:word` or `b:first second`), as the extractor computes it. */
export function featureSlot(name: string): number {
  const body = name.slice(2);
  return hashRange(name.startsWith('b:') ? TAG_BIGRAM : TAG_WORD, body, 0, body.length);
}

export interface TextFeatures {
  /** Hash slots of the sparse features (may repeat when a text has the same feature twice or two collide). */
  readonly slots: number[];
  /** Value of each sparse feature: 1/sqrt(count of features in its group), so each group has unit norm. */
  readonly values: number[];
  readonly dense: Float64Array;
  /** Feature names in the order of `slots`, when asked for (explanations); not computed on the hot path. */
  readonly names?: string[];
  /** The word or word pair each feature reads, in the order of `slots`, with `names`. */
  readonly terms?: string[];
  /**
   * The text's model tokens: slot j < tokens.length is the word tokens[j], slot j after them the pair of tokens
   * j − tokens.length and the next (an explanation names the few features it reports from them).
   */
  readonly tokens: readonly string[];
}

/** Sparse and dense features of one text. */
export function extractFeatures(text: string, withNames = false): TextFeatures {
  const tokens = modelTokens(text);
  const slots: number[] = [];
  const values: number[] = [];
  const names: string[] | undefined = withNames ? [] : undefined;
  const terms: string[] | undefined = withNames ? [] : undefined;

  for (const t of tokens) {
    slots.push(hashRange(TAG_WORD, t, 0, t.length));
    names?.push(`w:${t}`);
    terms?.push(t);
  }
  fillGroup(values, tokens.length);

  const bigramStart = slots.length;
  for (let i = 0; i + 1 < tokens.length; i++) {
    slots.push(hashPair(TAG_BIGRAM, tokens[i] as string, tokens[i + 1] as string));
    if (names !== undefined && terms !== undefined) {
      const pair = `${tokens[i]} ${tokens[i + 1]}`;
      names.push(`b:${pair}`);
      terms.push(pair);
    }
  }
  fillGroup(values, slots.length - bigramStart);

  const dense = lexiconFeatures(tokens);
  return names === undefined
    ? { slots, values, dense, tokens }
    : { slots, values, dense, tokens, names, terms: terms ?? [] };
}

function fillGroup(values: number[], count: number): void {
  const v = count === 0 ? 0 : 1 / Math.sqrt(count);
  for (let i = 0; i < count; i++) values.push(v);
}

/** Maps, not object lookups: a token such as "constructor" must not find Object.prototype's members. */
const FINANCE_VALENCE: ReadonlyMap<string, number> = new Map(Object.entries(FINANCE_LEXICON));
const SLANG_DIRECTION: ReadonlyMap<string, number> = new Map(Object.entries(SOCIAL_LEXICON));

/** The dense word-list features of DENSE_FEATURE_NAMES. */
export function lexiconFeatures(tokens: readonly string[]): Float64Array {
  let positive = 0;
  let negative = 0;
  let bullish = 0;
  let bearish = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as string;
    const negated = token.startsWith('not_');
    const word = negated ? token.slice(4) : token;
    const sign = negated ? -1 : 1;
    const valence = (FINANCE_VALENCE.get(word) ?? 0) * sign;
    if (valence > 0) positive += valence;
    else negative -= valence;
    let phrase = word;
    for (let n = 1; n <= SOCIAL_LEXICON_MAX_TOKENS && i + n <= tokens.length; n++) {
      if (n > 1) phrase += ` ${tokens[i + n - 1]}`;
      const direction = (SLANG_DIRECTION.get(phrase) ?? 0) * sign;
      if (direction > 0) bullish++;
      else if (direction < 0) bearish++;
    }
  }
  const raw = positive - negative;
  const dense = new Float64Array(DENSE_FEATURE_COUNT);
  dense[0] = raw / Math.sqrt(raw * raw + NORMALISATION_ALPHA);
  dense[1] = Math.min(positive / 5, 2);
  dense[2] = Math.min(negative / 5, 2);
  dense[3] = Math.min(bullish, 2);
  dense[4] = Math.min(bearish, 2);
  return dense;
}

import {
  BAD_WHEN_UP,
  DOWN_MOVES,
  FINANCE_LEXICON,
  FINANCE_PHRASES,
  GOOD_WHEN_UP,
  INTENSIFIERS,
  MOVE_OBJECT_WINDOW,
  MOVE_SUBJECT_WINDOW,
  NEGATION_SCOPE_TOKENS,
  NEGATORS,
  PHRASE_VALENCE,
  UP_MOVES,
} from './lexicon';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

/** One piece of evidence the scorer used: the matched words and the valence they contributed. */
export interface SentimentHit {
  readonly term: string;
  readonly kind: 'lexicon' | 'phrase' | 'movement';
  /** Contribution after negation and intensifiers. */
  readonly valence: number;
  readonly negated: boolean;
}

export interface SentimentScore {
  /** Normalised score in (-1, 1): raw / sqrt(raw^2 + NORMALISATION_ALPHA). */
  readonly score: number;
  /** Sum of the hits' valences. */
  readonly raw: number;
  readonly label: SentimentLabel;
  readonly hits: readonly SentimentHit[];
  readonly tokenCount: number;
}

/** Normalisation constant of VADER's compound score: keeps a few strong words from saturating at ±1. */
export const NORMALISATION_ALPHA = 15;

/**
 * |score| at or above this leaves neutral. 0.4 is the normalised value of raw ≈ 1.85: one weak (±1) lexicon word
 * does not make a sentence positive or negative, one moderate (±2) word or one finance phrase (±3) does.
 */
export const NEUTRAL_BAND = 0.4;

interface Token {
  readonly text: string;
  readonly index: number;
}

const WORD = /[a-z]+(?:['-][a-z]+)*/g;

/** Lower-case word tokens; hyphenated words are kept whole when the lexicon knows them, split otherwise. */
export function tokenize(text: string): string[] {
  const lowered = text.toLowerCase().replace(/[’‘`]/g, "'");
  const out: string[] = [];
  for (const match of lowered.matchAll(WORD)) {
    let word = match[0];
    if (word.endsWith("'s")) word = word.slice(0, -2);
    if (word.includes('-') && !Object.hasOwn(FINANCE_LEXICON, word)) {
      for (const part of word.split('-')) out.push(part);
    } else {
      out.push(word);
    }
  }
  return out;
}

function isNegator(word: string): boolean {
  return NEGATORS.has(word) || word.endsWith("n't");
}

/** Multi-word lexicon and phrase keys as token arrays, longest first so the longest match wins. */
const PHRASES: readonly { tokens: string[]; valence: number; kind: 'phrase' | 'lexicon' }[] = [
  ...Object.entries(FINANCE_PHRASES).map(([k, v]) => ({
    tokens: k.split(' '),
    valence: v,
    kind: 'phrase' as const,
  })),
  ...Object.entries(FINANCE_LEXICON)
    .filter(([k]) => k.includes(' '))
    .map(([k, v]) => ({ tokens: k.split(' '), valence: v, kind: 'lexicon' as const })),
].sort((a, b) => b.tokens.length - a.tokens.length);

/**
 * Score one text offline. Order of evidence: (1) movements (a direction word resolved by the nearest profit-like or
 * loss-like noun: "loss narrowed" is good news), (2) finance phrases, (3) single lexicon words. A token used by an
 * earlier step is not scored again. Negation flips a hit that starts within NEGATION_SCOPE_TOKENS after a negator or spans one;
 * an intensifier next to a hit scales it.
 */
export function scoreText(text: string): SentimentScore {
  const words = tokenize(text);
  const used = new Uint8Array(words.length);
  const found: { term: string; kind: SentimentHit['kind']; valence: number; start: number; end: number }[] =
    [];

  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const direction = UP_MOVES.has(word) ? 1 : DOWN_MOVES.has(word) ? -1 : 0;
    if (direction === 0) continue;
    const noun = nearestPolarNoun(words, i, used);
    if (noun === undefined) continue;
    const polarity = GOOD_WHEN_UP.has(words[noun.index] as string) ? 1 : -1;
    used[i] = 1;
    used[noun.index] = 1;
    found.push({
      term: noun.index < i ? `${noun.text} ${word}` : `${word} ${noun.text}`,
      kind: 'movement',
      valence: direction * polarity * PHRASE_VALENCE,
      start: Math.min(i, noun.index),
      end: Math.max(i, noun.index),
    });
  }

  for (const phrase of PHRASES) {
    const n = phrase.tokens.length;
    for (let i = 0; i + n <= words.length; i++) {
      let match = true;
      for (let k = 0; k < n; k++) {
        if (used[i + k] === 1 || words[i + k] !== phrase.tokens[k]) {
          match = false;
          break;
        }
      }
      if (!match) continue;
      for (let k = 0; k < n; k++) used[i + k] = 1;
      found.push({
        term: phrase.tokens.join(' '),
        kind: phrase.kind,
        valence: phrase.valence,
        start: i,
        end: i + n - 1,
      });
    }
  }

  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (used[i] === 1 || isNegator(word)) continue;
    // Own keys only: "constructor" must not find Object.prototype.constructor.
    const valence = Object.hasOwn(FINANCE_LEXICON, word) ? FINANCE_LEXICON[word] : undefined;
    if (valence === undefined || valence === 0) continue;
    found.push({ term: word, kind: 'lexicon', valence, start: i, end: i });
  }

  found.sort((a, b) => a.start - b.start || a.end - b.end);
  const hits: SentimentHit[] = [];
  let raw = 0;
  for (const hit of found) {
    // A movement may span its negator ("sales did not increase"); lexicon bigrams such as "not good" already carry it.
    const negated = negatorBefore(words, hit.start, hit.kind === 'movement' ? hit.end : hit.start);
    const scale = intensity(words, hit.start, hit.end);
    const valence = (negated ? -1 : 1) * hit.valence * scale;
    raw += valence;
    hits.push({ term: hit.term, kind: hit.kind, valence, negated });
  }
  const score = raw / Math.sqrt(raw * raw + NORMALISATION_ALPHA);
  return { score, raw, label: classifyScore(score), hits, tokenCount: words.length };
}

/** Map a normalised score to a label with the documented neutral band. */
export function classifyScore(score: number, neutralBand: number = NEUTRAL_BAND): SentimentLabel {
  if (score >= neutralBand) return 'positive';
  if (score <= -neutralBand) return 'negative';
  return 'neutral';
}

function nearestPolarNoun(words: readonly string[], at: number, used: Uint8Array): Token | undefined {
  const polar = (j: number) => {
    const w = words[j] as string;
    return used[j] !== 1 && (GOOD_WHEN_UP.has(w) || BAD_WHEN_UP.has(w));
  };
  // Prefer the subject ("operating profit rose"), then the object ("increased its sales").
  for (let d = 1; d <= MOVE_SUBJECT_WINDOW; d++) {
    const j = at - d;
    if (j < 0) break;
    if (polar(j)) return { text: words[j] as string, index: j };
  }
  for (let d = 1; d <= MOVE_OBJECT_WINDOW; d++) {
    const j = at + d;
    if (j >= words.length) break;
    if (polar(j)) return { text: words[j] as string, index: j };
  }
  return undefined;
}

/** A negator in the NEGATION_SCOPE_TOKENS before `start`, or between `start` and `end`. */
function negatorBefore(words: readonly string[], start: number, end: number): boolean {
  for (let j = Math.max(0, start - NEGATION_SCOPE_TOKENS); j < end; j++) {
    if (isNegator(words[j] as string)) return true;
  }
  return false;
}

function intensity(words: readonly string[], start: number, end: number): number {
  const before = words[start - 1] ?? '';
  if (Object.hasOwn(INTENSIFIERS, before)) return INTENSIFIERS[before] as number;
  const after = words[end + 1] ?? '';
  return Object.hasOwn(INTENSIFIERS, after) ? (INTENSIFIERS[after] as number) : 1;
}

import { defaultSentimentModel, type SentimentDriver, scoreText } from '@ats/sentiment';
import { DRIVERS_PER_ITEM } from './sentiment-weights';

/** One text's reading: model score and drivers, or the lexicon's when the model knows none of its words. */
export interface TextReading {
  /** P(positive) − P(negative) of the model (or the lexicon score), in [-1, 1]. */
  readonly score: number;
  /** Class probabilities of the text (model), or the lexicon's label as a one-hot when it fell back. */
  readonly probabilities: { readonly positive: number; readonly negative: number; readonly neutral: number };
  readonly drivers: readonly SentimentDriver[];
  readonly method: 'model' | 'lexicon';
}

/** Each item's reading, remembered per item object (every agent and every cycle in its window re-reads it). */
const readings = new WeakMap<object, { readonly text: string; readonly reading: TextReading }>();

/** Texts whose readings are kept beside the items' (a few MB at most); the oldest go first. */
export const TEXT_READINGS_KEPT = 8_192;
/**
 * Readings by text: an agent replica gets every headline as a new object in each request, and a headline stays in
 * the news window for days. A reading is a function of the text alone (the shipped model never changes).
 */
const readingsByText = new Map<string, TextReading>();

/** The reading of `text`, the text of `item`; computed once per text while it is among the last ones read. */
export function readText(text: string, item: object): TextReading {
  const hit = readings.get(item);
  if (hit !== undefined && hit.text === text) return hit.reading;
  let reading = readingsByText.get(text);
  if (reading === undefined) {
    reading = modelReading(text) ?? lexiconReading(text);
    if (readingsByText.size >= TEXT_READINGS_KEPT) {
      const oldest = readingsByText.keys().next().value as string;
      readingsByText.delete(oldest);
    }
    readingsByText.set(text, reading);
  }
  readings.set(item, { text, reading });
  return reading;
}

function modelReading(text: string): TextReading | undefined {
  const e = defaultSentimentModel().explain(text, DRIVERS_PER_ITEM);
  if (e.knownFeatures === 0) return undefined;
  return { score: e.score, probabilities: e.probabilities, drivers: e.drivers, method: 'model' };
}

/** The word-list scorer: its hits are the drivers, its label a one-hot probability. */
function lexiconReading(text: string): TextReading {
  const s = scoreText(text);
  const drivers = [...s.hits]
    .sort((a, b) => Math.abs(b.valence) - Math.abs(a.valence))
    .slice(0, DRIVERS_PER_ITEM)
    .map((h) => ({ term: h.term, kind: 'word' as const, contribution: h.valence }));
  const probabilities = {
    positive: s.label === 'positive' ? 1 : 0,
    negative: s.label === 'negative' ? 1 : 0,
    neutral: s.label === 'neutral' ? 1 : 0,
  };
  return { score: s.score, probabilities, drivers, method: 'lexicon' };
}

/** Our score blended with the source's own (a provider score, an author's label), when it has one. */
export function blendWithSource(own: number, fromSource: number | undefined, weight: number): number {
  return fromSource === undefined ? own : (1 - weight) * own + weight * fromSource;
}

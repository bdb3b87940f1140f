/**
 * The offline sentiment model at inference time: softmax regression over hashed word/bigram/character-n-gram features
 * plus the lexicon scorer's output, with int8-quantised sparse weights. Pure and deterministic; no network, no files
 * (the trained model ships as a generated module, see `default-model.ts`).
 */
import { DENSE_FEATURE_COUNT, extractFeatures, FEATURE_HASH_BITS, type TextFeatures } from './features';
import type { SentimentLabel } from './scorer';

/** Class order of the model's outputs. */
export const MODEL_LABELS: readonly SentimentLabel[] = ['positive', 'negative', 'neutral'];
const CLASSES = MODEL_LABELS.length;
const MAGIC = [0x41, 0x54, 0x53, 0x53]; // "ATSS"
export const MODEL_FORMAT_VERSION = 1;

export interface SentimentPrediction {
  readonly label: SentimentLabel;
  /** Probability of each class; they sum to 1. */
  readonly probabilities: Readonly<Record<SentimentLabel, number>>;
  /** Probability of the predicted label. */
  readonly confidence: number;
  /** P(positive) − P(negative), in (−1, 1): the model's signed score, comparable to the lexicon score. */
  readonly score: number;
}

/** A word, bigram or the lexicon that pushed the prediction, with its contribution to the logit margin. */
export interface SentimentDriver {
  readonly term: string;
  readonly kind: 'word' | 'bigram' | 'lexicon';
  /** Positive: pushed toward positive (vs negative); negative: toward negative. */
  readonly contribution: number;
}

export interface SentimentExplanation extends SentimentPrediction {
  /** The strongest drivers of P(positive) vs P(negative), largest |contribution| first. */
  readonly drivers: readonly SentimentDriver[];
  /** How many of the text's sparse features the model knows; 0 means it only had the lexicon to go on. */
  readonly knownFeatures: number;
}

/** Weights of a trained model: dense (lexicon) weights and biases as float32, sparse weights int8 × scale. */
export interface SentimentModelWeights {
  readonly bias: Float32Array;
  /** dense[feature * 3 + class] */
  readonly dense: Float32Array;
  /** Sorted hash slots of the known sparse features. */
  readonly slots: Uint32Array;
  /** quantised[entry * 3 + class]; weight = quantised × scale. */
  readonly quantised: Int8Array;
  readonly scale: number;
}

export class SentimentModel {
  readonly #bias: Float32Array;
  readonly #dense: Float32Array;
  readonly #quantised: Int8Array;
  readonly #scale: number;
  /** Slot → entry + 1 (0: unknown feature); a flat table is several times faster than a Map on the hot path. */
  readonly #entryOfSlot: Int32Array;
  readonly weights: SentimentModelWeights;

  constructor(weights: SentimentModelWeights) {
    this.weights = weights;
    this.#bias = weights.bias;
    this.#dense = weights.dense;
    this.#quantised = weights.quantised;
    this.#scale = weights.scale;
    this.#entryOfSlot = new Int32Array(1 << FEATURE_HASH_BITS);
    weights.slots.forEach((slot, entry) => {
      this.#entryOfSlot[slot] = entry + 1;
    });
  }

  get sparseFeatureCount(): number {
    return this.weights.slots.length;
  }

  predict(text: string): SentimentPrediction {
    return this.predictFeatures(extractFeatures(text));
  }

  /** Prediction from features already extracted (cross-validation extracts each text's features once). */
  predictFeatures(f: TextFeatures): SentimentPrediction {
    const logits = [this.#bias[0] as number, this.#bias[1] as number, this.#bias[2] as number];
    for (let d = 0; d < DENSE_FEATURE_COUNT; d++) {
      const v = f.dense[d] as number;
      for (let k = 0; k < CLASSES; k++)
        logits[k] = (logits[k] as number) + (this.#dense[d * CLASSES + k] as number) * v;
    }
    for (let j = 0; j < f.slots.length; j++) {
      const entry = this.#entryOfSlot[f.slots[j] as number] as number;
      if (entry === 0) continue;
      const v = (f.values[j] as number) * this.#scale;
      const base = (entry - 1) * CLASSES;
      for (let k = 0; k < CLASSES; k++)
        logits[k] = (logits[k] as number) + (this.#quantised[base + k] as number) * v;
    }
    return prediction(logits);
  }

  /** Prediction plus the words and bigrams that drove it (character n-grams are credited to their word). */
  explain(text: string, maxDrivers = 5): SentimentExplanation {
    // Without feature names: only the features the model knows are named, from the tokens (most are unknown).
    const f = extractFeatures(text);
    const logits = [this.#bias[0] as number, this.#bias[1] as number, this.#bias[2] as number];
    const byTerm = new Map<string, { kind: SentimentDriver['kind']; margin: number }>();
    const credit = (term: string, kind: SentimentDriver['kind'], margin: number) => {
      const seen = byTerm.get(term);
      if (seen === undefined) byTerm.set(term, { kind, margin });
      else seen.margin += margin;
    };
    let lexiconMargin = 0;
    // The dense features (DENSE_FEATURE_NAMES) are reported together as one "word lists" driver.
    for (let d = 0; d < DENSE_FEATURE_COUNT; d++) {
      const v = f.dense[d] as number;
      for (let k = 0; k < CLASSES; k++)
        logits[k] = (logits[k] as number) + (this.#dense[d * CLASSES + k] as number) * v;
      lexiconMargin += ((this.#dense[d * CLASSES] as number) - (this.#dense[d * CLASSES + 1] as number)) * v;
    }
    if (lexiconMargin !== 0) credit('word lists', 'lexicon', lexiconMargin);
    let known = 0;
    const { tokens } = f;
    const words = tokens.length;
    for (let j = 0; j < f.slots.length; j++) {
      const entry = this.#entryOfSlot[f.slots[j] as number] as number;
      if (entry === 0) continue;
      known++;
      const v = (f.values[j] as number) * this.#scale;
      const base = (entry - 1) * CLASSES;
      for (let k = 0; k < CLASSES; k++)
        logits[k] = (logits[k] as number) + (this.#quantised[base + k] as number) * v;
      const margin = ((this.#quantised[base] as number) - (this.#quantised[base + 1] as number)) * v;
      if (j < words) credit(tokens[j] as string, 'word', margin);
      else credit(`${tokens[j - words]} ${tokens[j - words + 1]}`, 'bigram', margin);
    }
    const drivers = [...byTerm.entries()]
      .map(([term, d]) => ({ term, kind: d.kind, contribution: d.margin }))
      .filter((d) => d.contribution !== 0)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || (a.term < b.term ? -1 : 1))
      .slice(0, maxDrivers);
    return { ...prediction(logits), drivers, knownFeatures: known };
  }
}

function prediction(logits: readonly number[]): SentimentPrediction {
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const sum = (e[0] as number) + (e[1] as number) + (e[2] as number);
  const p = e.map((x) => x / sum);
  let best = 0;
  for (let k = 1; k < CLASSES; k++) if ((p[k] as number) > (p[best] as number)) best = k;
  const probabilities = { positive: p[0] as number, negative: p[1] as number, neutral: p[2] as number };
  return {
    label: MODEL_LABELS[best] as SentimentLabel,
    probabilities,
    confidence: p[best] as number,
    score: probabilities.positive - probabilities.negative,
  };
}

/**
 * Binary model format (little-endian): "ATSS", version, hash bits, classes, dense count; float32 scale, biases and
 * dense weights; uint32 entry count; the sorted sparse slots as LEB128 deltas; int8 weights (entry-major).
 */
export function encodeSentimentModel(w: SentimentModelWeights): Uint8Array {
  const bytes: number[] = [...MAGIC, MODEL_FORMAT_VERSION, FEATURE_HASH_BITS, CLASSES, DENSE_FEATURE_COUNT];
  const f32 = new DataView(new ArrayBuffer(4));
  const float = (x: number) => {
    f32.setFloat32(0, x, true);
    for (let i = 0; i < 4; i++) bytes.push(f32.getUint8(i));
  };
  float(w.scale);
  for (const b of w.bias) float(b);
  for (const d of w.dense) float(d);
  f32.setUint32(0, w.slots.length, true);
  for (let i = 0; i < 4; i++) bytes.push(f32.getUint8(i));
  let previous = 0;
  for (const slot of w.slots) {
    let delta = slot - previous;
    previous = slot;
    while (delta >= 0x80) {
      bytes.push((delta & 0x7f) | 0x80);
      delta >>>= 7;
    }
    bytes.push(delta);
  }
  for (const q of w.quantised) bytes.push(q & 0xff);
  return Uint8Array.from(bytes);
}

export class ModelFormatError extends Error {
  constructor(message: string) {
    super(`sentiment model: ${message}`);
    this.name = 'ModelFormatError';
  }
}

export function decodeSentimentModel(bytes: Uint8Array): SentimentModelWeights {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw new ModelFormatError('bad magic');
  if (bytes[4] !== MODEL_FORMAT_VERSION) throw new ModelFormatError(`unsupported version ${bytes[4]}`);
  if (bytes[5] !== FEATURE_HASH_BITS || bytes[6] !== CLASSES || bytes[7] !== DENSE_FEATURE_COUNT)
    throw new ModelFormatError('feature layout differs from this code');
  let at = 8;
  const float = () => {
    const x = view.getFloat32(at, true);
    at += 4;
    return x;
  };
  const scale = float();
  const bias = Float32Array.from({ length: CLASSES }, float);
  const dense = Float32Array.from({ length: CLASSES * DENSE_FEATURE_COUNT }, float);
  const count = view.getUint32(at, true);
  at += 4;
  const slots = new Uint32Array(count);
  let previous = 0;
  for (let i = 0; i < count; i++) {
    let delta = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++] as number;
      delta |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
    }
    previous += delta;
    slots[i] = previous;
  }
  if (at + count * CLASSES !== bytes.length)
    throw new ModelFormatError('truncated or oversized weight table');
  const quantised = new Int8Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + bytes.length));
  return { bias, dense, slots, quantised, scale };
}

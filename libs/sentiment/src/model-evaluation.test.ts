/**
 * Reads the real PhraseBank and labelled tweets through the data folder (DATA__DIR). The cross-validation here is
 * the eval command's (10 folds, same seed) without the learning curve and bootstraps, to keep the runtime modest.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadLabelledTweets, loadPhrasebank } from './datasets';
import { MODEL_LABELS } from './model';
import { crossValidatedPredictions, directional } from './model-evaluation';
import { MODEL_MODULE_PATH, trainShippedModel } from './train';
import { DEFAULT_TRAINING_OPTIONS, featurise, SOCIAL_CLASS_WEIGHTS } from './training';

const phrasebank = loadPhrasebank();
const tweets = loadLabelledTweets();
const phrasebankFeatures = featurise(phrasebank);
const tweetFeatures = featurise(tweets, SOCIAL_CLASS_WEIGHTS);
const CV = { folds: 10, seed: 18, training: DEFAULT_TRAINING_OPTIONS };

describe('offline sentiment model on the real data', () => {
  it('reads all 675 labelled tweets through the data folder', () => {
    expect(tweets).toHaveLength(675);
  });

  it('10-fold cross-validated accuracy on the PhraseBank is at least 0.78 and macro-F1 at least 0.74', () => {
    const predicted = crossValidatedPredictions(phrasebankFeatures, tweetFeatures, CV);
    let correct = 0;
    const f1: number[] = [];
    predicted.forEach((p, i) => {
      if (p.label === phrasebank[i]?.label) correct++;
    });
    for (const label of MODEL_LABELS) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      predicted.forEach((p, i) => {
        const a = phrasebank[i]?.label;
        if (p.label === label && a === label) tp++;
        else if (p.label === label) fp++;
        else if (a === label) fn++;
      });
      f1.push((2 * tp) / (2 * tp + fp + fn));
    }
    expect(correct / phrasebank.length).toBeGreaterThanOrEqual(0.78);
    expect(f1.reduce((s, x) => s + x, 0) / 3).toBeGreaterThanOrEqual(0.74);
  }, 120_000);

  it('on the labelled tweets, directional calls are right at least 70% of the time', () => {
    const predicted = crossValidatedPredictions(tweetFeatures, phrasebankFeatures, CV);
    const d = directional(
      tweets.map((t) => t.label),
      predicted.map((p) => p.label),
    );
    expect(d.accuracy).toBeGreaterThanOrEqual(0.7);
  }, 120_000);

  it('retraining reproduces the checked-in model byte for byte', () => {
    expect(trainShippedModel().source).toBe(readFileSync(MODEL_MODULE_PATH, 'utf8'));
  }, 60_000);
});

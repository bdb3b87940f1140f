import type { EvidenceKind } from '@ats/contracts';
import type { ComponentItem, SentimentComponent } from './sentiment-component';
import type { TextReading } from './text-reading';

/** One scored text (headline, post) with its weight in its component and how the reasoning names it. */
export interface WeightedText {
  readonly weight: number;
  readonly score: number;
  readonly probabilities: TextReading['probabilities'];
  readonly item: Omit<ComponentItem, 'kind' | 'share'>;
}

/** The weighted mean of a component's texts: score, total weight, cited items and the model's agreement. */
export type WeightedTexts = Pick<SentimentComponent, 'score' | 'items' | 'agreement'> & {
  readonly weightSum: number;
};

/**
 * Weighted mean score of scored texts, each item's signed share of it (the shares add up to the score), and the
 * agreement with a signal as the weighted mean probability of the class the signal stands for. News and social
 * posts differ only in their weights (decay; reach and reposts).
 */
export function weightedTexts(kind: EvidenceKind, texts: readonly WeightedText[]): WeightedTexts {
  let weightSum = 0;
  let weightedScore = 0;
  const p = { positive: 0, negative: 0, neutral: 0 };
  for (const t of texts) {
    weightSum += t.weight;
    weightedScore += t.weight * t.score;
    p.positive += t.weight * t.probabilities.positive;
    p.negative += t.weight * t.probabilities.negative;
    p.neutral += t.weight * t.probabilities.neutral;
  }
  return {
    score: weightedScore / weightSum,
    weightSum,
    items: texts.map(({ weight, score, item: { detail, ...cited } }) => ({
      kind,
      ...cited,
      share: (weight * score) / weightSum,
      ...(detail ? { detail } : {}),
    })),
    agreement: (signal) =>
      (signal === 'BUY' ? p.positive : signal === 'SELL' ? p.negative : p.neutral) / weightSum,
  };
}

import type { EvidenceKind, Signal } from '@ats/contracts';

/** One item a component used, with its signed share of the component's score (the shares add up to the score). */
export interface ComponentItem {
  readonly kind: EvidenceKind;
  readonly source: string;
  readonly id: string;
  /** What the reasoning names: headline, post text, owner and code, filer, index reading. */
  readonly label: string;
  readonly availableAt: string;
  readonly share: number;
  /** More about the item for the reasoning (model score, drivers, age), formatted only when read. */
  detail?(): string;
}

/**
 * One of the five sources, reduced to a score in [-1, 1] and an evidence strength in [0, 1] (0: nothing usable,
 * the component does not enter the score). `agreement` is how much the component supports a signal, in [0, 1].
 */
export interface SentimentComponent {
  readonly kind: EvidenceKind;
  readonly score: number;
  readonly strength: number;
  readonly items: readonly ComponentItem[];
  agreement(signal: Signal): number;
  /** One line for the reasoning (formatted only when the reasoning is read). */
  describe(): string;
}

/** Agreement of a numeric score with a signal: BUY (1 + s) / 2, SELL (1 − s) / 2, HOLD 1 − |s|. */
export function scoreAgreement(score: number, signal: Signal): number {
  return signal === 'BUY' ? (1 + score) / 2 : signal === 'SELL' ? (1 - score) / 2 : 1 - Math.abs(score);
}

/** Text cut to `max` characters with an ellipsis, for citing a headline or a post. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

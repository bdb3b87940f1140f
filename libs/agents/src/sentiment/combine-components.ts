import type { EvidenceKind, Signal } from '@ats/contracts';
import { clamp } from '../stats';
import type { ComponentItem, SentimentComponent } from './sentiment-component';
import {
  FLOW_UNAVAILABLE_CONFIDENCE_FACTOR,
  SENTIMENT_BUY_THRESHOLD,
  SENTIMENT_COMPONENT_WEIGHTS,
  SENTIMENT_SELL_THRESHOLD,
} from './sentiment-weights';

/** A component's part of the final score. */
export interface ComponentContribution {
  readonly component: SentimentComponent;
  /** Its weight in the final score (the weights of the components present add up to 1). */
  readonly weight: number;
  /** weight × score. The contributions add up to the final score. */
  readonly contribution: number;
}

/** An item's signed contribution to the final score: its share of its component × the component's weight. */
export interface ItemContribution extends ComponentItem {
  readonly contribution: number;
}

export interface CombinedSentiment {
  readonly score: number;
  readonly signal: Signal;
  readonly confidence: number;
  /** How much the components, weighted as in the score, support the signal, in [0, 1]. */
  readonly support: number;
  /** sqrt(min(1, symbol-specific evidence / the news weight)): one source at full evidence is enough. */
  readonly evidence: number;
  readonly flowFactor: number;
  readonly components: readonly ComponentContribution[];
  readonly items: readonly ItemContribution[];
}

/** Confidence factor for the flows (insider, institutional) that are unavailable: 1, halfway, or the full factor. */
export function flowConfidenceFactor(unavailableFlows: number): number {
  return 1 - ((1 - FLOW_UNAVAILABLE_CONFIDENCE_FACTOR) * unavailableFlows) / 2;
}

/**
 * Combines the symbol-specific components (news, social, insider, institutional) and the market mood:
 * - symbol score = Σ Wₖ·eₖ·sₖ / Σ Wₖ·eₖ over the symbol-specific components present (W: SENTIMENT_COMPONENT_WEIGHTS,
 *   e: evidence strength, s: score), so weak evidence counts less against strong evidence of another kind;
 * - the mood gets its weight among the weights of the kinds present: m = W_mood / (W_mood + Σ Wₖ present);
 * - score = (1 − m)·symbol score + m·mood score, in [-1, 1].
 * Without symbol-specific evidence there is no view (undefined): a market-wide mood says nothing about one stock.
 * Confidence = support × evidence × flow factor, all in [0, 1].
 */
export function combineComponents(
  symbolComponents: readonly SentimentComponent[],
  mood: SentimentComponent | undefined,
  unavailableFlows: number,
): CombinedSentiment | undefined {
  const present = symbolComponents.filter((c) => c.strength > 0);
  if (present.length === 0) return undefined;
  let strengthWeight = 0;
  let kindWeight = 0;
  for (const c of present) {
    strengthWeight += weightOf(c.kind) * c.strength;
    kindWeight += weightOf(c.kind);
  }
  const moodShare = mood ? weightOf('mood') / (weightOf('mood') + kindWeight) : 0;
  const components: ComponentContribution[] = present.map((c) => {
    const weight = ((1 - moodShare) * weightOf(c.kind) * c.strength) / strengthWeight;
    return { component: c, weight, contribution: weight * c.score };
  });
  if (mood) components.push({ component: mood, weight: moodShare, contribution: moodShare * mood.score });
  let raw = 0;
  for (const c of components) raw += c.contribution;
  const score = clamp(raw, -1, 1);
  const signal: Signal =
    score >= SENTIMENT_BUY_THRESHOLD ? 'BUY' : score <= SENTIMENT_SELL_THRESHOLD ? 'SELL' : 'HOLD';
  let support = 0;
  for (const c of components) support += c.weight * c.component.agreement(signal);
  const evidence = Math.sqrt(Math.min(1, strengthWeight / weightOf('news')));
  const flowFactor = flowConfidenceFactor(unavailableFlows);
  const items: ItemContribution[] = [];
  for (const c of components)
    for (const item of c.component.items) items.push({ ...item, contribution: c.weight * item.share });
  return {
    score,
    signal,
    confidence: clamp(support * evidence * flowFactor, 0, 1),
    support,
    evidence,
    flowFactor,
    components,
    items,
  };
}

function weightOf(kind: EvidenceKind): number {
  return SENTIMENT_COMPONENT_WEIGHTS[kind];
}

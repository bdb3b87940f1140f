import { EVIDENCE_KINDS } from '@ats/contracts';
import { num, signed } from '../format';
import type { CombinedSentiment, ItemContribution } from './combine-components';
import { describeIgnored, type InsiderSummary } from './insider-component';
import type { MoodFinding } from './mood-component';
import type { ScoredNews } from './news-component';
import { truncate } from './sentiment-component';
import {
  CITED_ITEMS_PER_KIND,
  CITED_TEXT_MAX_CHARS,
  INSIDER_WINDOW_DAYS,
  INSTITUTIONAL_WINDOW_DAYS,
  NEWS_MAX_AGE_DAYS,
  SENTIMENT_BUY_THRESHOLD,
  SENTIMENT_SELL_THRESHOLD,
  SOCIAL_MAX_AGE_DAYS,
} from './sentiment-weights';
import type { Availability } from './source-availability';

/** What the agent found for one symbol, kept for formatting the reasoning when it is read. */
export interface SymbolFindings {
  readonly symbol: string;
  readonly asOf: string;
  readonly news: readonly ScoredNews[];
  readonly mood: MoodFinding;
  readonly insider: InsiderSummary;
  /** 13F holdings of the symbol available at asOf (with or without a known change). */
  readonly institutionalCount: number;
  readonly flows: { readonly insider: Availability; readonly institutional: Availability };
}

/** "benzinga "Apple beats…" [id] at 2023-03-31T15:00:00.000Z: +0.120 (detail)". */
export function citeItem(item: ItemContribution): string {
  const detail = item.detail?.();
  return `${item.source} "${truncate(item.label, CITED_TEXT_MAX_CHARS)}" [${item.id}] at ${item.availableAt}: ${signed(item.contribution, 3)}${detail ? ` (${detail})` : ''}`;
}

/** The strongest items of each kind, by |contribution|. */
function strongestItems(items: readonly ItemContribution[]): string[] {
  const out: string[] = [];
  for (const kind of EVIDENCE_KINDS) {
    const top = items
      .filter((i) => i.kind === kind)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
      .slice(0, CITED_ITEMS_PER_KIND);
    if (top.length > 0) out.push(`Strongest ${kind}: ${top.map(citeItem).join('; ')}.`);
  }
  return out;
}

/** The flows that are unavailable, or available with nothing about the symbol, said plainly. */
function flowNotes(f: SymbolFindings, used: ReadonlySet<string>): string[] {
  const notes: string[] = [];
  const { insider, institutional } = f.flows;
  if (!insider.available) notes.push(`Insider flow unavailable: ${insider.reason}.`);
  else if (!used.has('insider'))
    notes.push(
      `Insider: no open-market purchases or sales of ${f.symbol} in ${INSIDER_WINDOW_DAYS} days${describeIgnored(f.insider.ignored)}.`,
    );
  if (!institutional.available) notes.push(`Institutional flow unavailable: ${institutional.reason}.`);
  else if (!used.has('institutional'))
    notes.push(
      `Institutional: no 13F holding change of ${f.symbol} in ${INSTITUTIONAL_WINDOW_DAYS} days (${f.institutionalCount} holding(s) without a known change).`,
    );
  return notes;
}

function moodNote(f: SymbolFindings): string {
  return f.mood.component
    ? f.mood.component.describe()
    : 'market mood unknown (no reading, too little price history)';
}

export function describeDecision(f: SymbolFindings, c: CombinedSentiment): string {
  const used = new Set<string>(c.components.map((x) => x.component.kind));
  const sum = c.components
    .map((x) => `${x.component.kind} ${signed(x.component.score)}×${num(x.weight)}`)
    .join(' + ');
  return [
    `${c.signal}: sentiment score ${signed(c.score)} = ${sum}; thresholds ${signed(SENTIMENT_SELL_THRESHOLD)}/${signed(SENTIMENT_BUY_THRESHOLD)}; ` +
      `confidence ${num(c.confidence)} = support ${num(c.support)} × evidence ${num(c.evidence)} × flow ${num(c.flowFactor)}.`,
    `${c.components.map((x) => x.component.describe()).join('; ')}.`,
    ...strongestItems(c.items),
    ...flowNotes(f, used),
  ].join(' ');
}

export function describeNoView(f: SymbolFindings, flowFactor: number): string {
  return [
    `HOLD: no news about ${f.symbol} in the ${NEWS_MAX_AGE_DAYS} days up to ${f.asOf}, no social posts in ${SOCIAL_MAX_AGE_DAYS} days, no insider purchases or sales, no 13F changes: no sentiment view (low confidence; flow factor ${num(flowFactor)}).`,
    `${moodNote(f)}, reported only.`,
    ...flowNotes(f, new Set()),
  ].join(' ');
}

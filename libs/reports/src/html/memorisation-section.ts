import { formatInteger, formatPercent, formatRatio, MISSING } from '../format';
import type { AttributionMetrics, MemorisationProbeReport } from '../types';
import { escapeHtml } from './escape';
import { cell, table } from './table';

/** Differing calls listed in the tear sheet; every call of both runs is in the JSON report. */
export const PROBE_DIFFERENCES_SHOWN = 100;

const signedRatio = (value: number | null) =>
  value === null ? MISSING : `${value >= 0 ? '+' : ''}${formatRatio(value)}`;
const signedPercent = (value: number | null) =>
  value === null ? MISSING : `${value >= 0 ? '+' : ''}${formatPercent(value)}`;

/**
 * "Memorisation probe": the named and the anonymised LLM runs side by side (headline metrics and their gap), how
 * often each agent made the same call in both, and the calls that differed. Empty when the run had no probe.
 */
export function renderMemorisationSection(probe: MemorisationProbeReport | undefined): string {
  if (!probe) return '';
  const runRow = (label: string, m: AttributionMetrics) =>
    `<tr>${cell(label)}${cell(formatPercent(m.totalReturn))}${cell(formatRatio(m.sharpe))}` +
    `${cell(formatPercent(m.maxDrawdown))}${cell(formatPercent(m.winRate, 1))}${cell(String(m.tradeCount))}</tr>`;
  const gapRow =
    `<tr>${cell('gap (named − anonymised)')}${cell(signedPercent(probe.gap.totalReturn), 'muted')}` +
    `${cell(signedRatio(probe.gap.sharpe), 'muted')}${cell(signedPercent(probe.gap.maxDrawdown), 'muted')}` +
    `${cell(MISSING, 'muted')}${cell(String(probe.gap.tradeCount), 'muted')}</tr>`;
  const metrics = table(
    ['Run', 'Total return', 'Sharpe', 'Max DD', 'Win rate', 'Trades'],
    [runRow('named', probe.named), runRow('anonymised', probe.anonymised), gapRow],
  );
  const agreement = table(
    ['Agent', 'Calls compared', 'Same signal', 'Agreement', 'Mean |Δ confidence|'],
    probe.agreement.map(
      (a) =>
        `<tr>${cell(a.agent)}${cell(formatInteger(a.compared))}${cell(formatInteger(a.sameSignal))}` +
        `${cell(formatPercent(a.agreement, 1))}${cell(formatRatio(a.meanAbsConfidenceGap, 3))}</tr>`,
    ),
  );
  const differing = probe.decisions.filter((d) => d.named.signal !== d.anonymised.signal);
  const shown = differing.slice(0, PROBE_DIFFERENCES_SHOWN);
  const differences =
    shown.length === 0
      ? '<p class="empty">Every call was the same in both runs.</p>'
      : `<p class="sub">${escapeHtml(
          `${differing.length} of ${probe.decisions.length} calls differ` +
            (shown.length < differing.length
              ? ` (first ${shown.length} shown; all are in the JSON report).`
              : '.'),
        )}</p><div class="scroll">${table(
          ['Date', 'Symbol', 'Agent', 'Named', 'Anonymised'],
          shown.map(
            (d) =>
              `<tr>${cell(d.ts.slice(0, 10))}${cell(d.symbol, 'text')}${cell(d.agent, 'text')}` +
              `${cell(`${d.named.signal} (${formatRatio(d.named.confidence)})`)}` +
              `${cell(`${d.anonymised.signal} (${formatRatio(d.anonymised.confidence)})`)}</tr>`,
          ),
        )}</div>`;
  const aliases = probe.aliases.map((a) => `${a.symbol} → ${a.neutralId}`).join(', ');
  return (
    '<section id="memorisation-probe"><h2>Memorisation probe</h2>' +
    `<p class="sub">${escapeHtml(
      'The same LLM backtest with tickers and company names replaced by neutral ids and every date shifted by ' +
        `${probe.dateShiftDays} days (whole weeks). A model trading on what it remembers of the real names and dates ` +
        `loses that edge when anonymised. Ids: ${aliases}.`,
    )}</p>${metrics}${agreement}${differences}</section>`
  );
}

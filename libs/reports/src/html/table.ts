import { escapeHtml } from './escape';

/** One escaped table cell, with an optional class (`text`, `up`, `down`, `muted`, `reason`). */
export const cell = (text: string, className = '') =>
  `<td${className ? ` class="${className}"` : ''}>${escapeHtml(text)}</td>`;

/** A table with escaped headers (the first left-aligned) over rows of cells already rendered. */
export function table(headers: readonly string[], rows: readonly string[], className = ''): string {
  const head = headers.map((h, i) => `<th${i === 0 ? ' class="text"' : ''}>${escapeHtml(h)}</th>`).join('');
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

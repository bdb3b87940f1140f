import { describe, expect, it } from 'vitest';
import { escapeHtml, niceTicks, renderTearSheet } from '../src/index';
import { aaplTrendRun, HOSTILE_TEXT } from './fixture';

const VOID_ELEMENTS = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'col', 'wbr']);

/** Checks every opened element is closed in order (script/style bodies skipped): enough to catch broken markup. */
function unbalancedTags(html: string): string[] {
  const withoutRawText = html.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g, '');
  const stack: string[] = [];
  const problems: string[] = [];
  for (const match of withoutRawText.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = match;
    const name = rawName!.toLowerCase();
    if (selfClosing || VOID_ELEMENTS.has(name)) continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) problems.push(`unexpected </${name}> at ${match.index}`);
  }
  return [...problems, ...stack.map((open) => `unclosed <${open}>`)];
}

describe('HTML tear sheet', () => {
  const html = renderTearSheet(aaplTrendRun());

  it('has every section', () => {
    for (const id of [
      'summary',
      'equity',
      'drawdown',
      'monthly-returns',
      'rolling-sharpe',
      'trades',
      'attribution',
      'llm-usage',
      'decisions',
      'glossary',
    ]) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain('<svg');
    expect(html).toContain('Sharpe ratio'); // glossary entry
    expect(html).toContain('buy and hold'); // attribution row
  });

  it('references nothing outside the file', () => {
    const withoutUserText = html.replaceAll(escapeHtml(HOSTILE_TEXT), '');
    expect(withoutUserText).not.toMatch(/https?:\/\//i);
    expect(withoutUserText).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).toContain("default-src 'none'");
  });

  it('escapes user text so it cannot inject markup', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(html).toContain('<title>AAPL 2023 trend &lt;demo&gt; &amp; test</title>');
    expect(html.match(/<script>/g)).toHaveLength(1); // only the page's own read-out script
  });

  it('is well-formed', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(unbalancedTags(html)).toEqual([]);
    expect(unbalancedTags('<div><p></div>')).not.toEqual([]); // the checker itself can fail
  });

  it('is deterministic', () => {
    expect(renderTearSheet(aaplTrendRun())).toBe(html);
  });
});

describe('chart axis ticks', () => {
  it('uses round 1/2/5 steps and a clean zero', () => {
    // range 0.2 / 5 = 0.04 → step 0.05
    expect(niceTicks(-0.15, 0.05)).toEqual([-0.15, -0.1, -0.05, 0, 0.05]);
    // range 36 / 5 = 7.2 → step 10
    expect(niceTicks(97, 133)).toEqual([100, 110, 120, 130]);
  });
});

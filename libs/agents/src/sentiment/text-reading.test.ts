import { defaultSentimentModel } from '@ats/sentiment';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readText, TEXT_READINGS_KEPT } from './text-reading';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readText', () => {
  it('reads a text once, whichever object carries it (each request parses its headlines anew)', () => {
    const explain = vi.spyOn(defaultSentimentModel(), 'explain');
    const text = 'Shares surge after record quarterly profit beats estimates (reading-once)';
    const first = readText(text, { id: 'a' });
    const again = readText(text, { id: 'a, parsed again' });
    expect(again).toBe(first);
    expect(explain).toHaveBeenCalledTimes(1);
    // The same reading the model gives the text itself.
    expect(first.score).toBe(defaultSentimentModel().explain(text, 3).score);
  });

  it('reads a text again after more than TEXT_READINGS_KEPT other texts', () => {
    const explain = vi.spyOn(defaultSentimentModel(), 'explain');
    const text = 'Profit warning sends shares lower (kept-texts)';
    readText(text, {});
    for (let i = 0; i < TEXT_READINGS_KEPT; i++) readText(`Company ${i} beats estimates (filler)`, {});
    explain.mockClear();
    readText(text, {});
    expect(explain).toHaveBeenCalledTimes(1);
  });

  it('keeps a reading per item object when the item’s text changes', () => {
    const item = {};
    const up = readText('Record profit lifts shares (item text)', item);
    const down = readText('Profit collapses, shares plunge (item text)', item);
    expect(down).not.toBe(up);
    expect(down.score).toBeLessThan(up.score);
  });
});

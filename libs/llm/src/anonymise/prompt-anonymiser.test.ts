import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LlmClient, LlmRequest, LlmResponse } from '../types';
import { AnonymisingLlmClient } from './anonymising-llm-client';
import { COMPANY_NAMES } from './company-names';
import { DEFAULT_DATE_SHIFT_DAYS, PromptAnonymiser } from './prompt-anonymiser';

const anonymiser = new PromptAnonymiser({ symbols: ['MSFT', 'AAPL', 'V'] });

describe('PromptAnonymiser', () => {
  it('gives each ticker a neutral id (sorted tickers, stable) and maps company names to the same id', () => {
    expect(anonymiser.aliases).toEqual([
      { symbol: 'AAPL', neutralId: 'ASSET_01' },
      { symbol: 'MSFT', neutralId: 'ASSET_02' },
      { symbol: 'V', neutralId: 'ASSET_03' },
    ]);
    expect(anonymiser.anonymise('Apple Inc. beats; Microsoft and $AAPL rally, Visa (V) flat')).toBe(
      'ASSET_01 beats; ASSET_02 and $ASSET_01 rally, ASSET_03 (ASSET_03) flat',
    );
  });

  it("also replaces lower-cased tickers and names (a text model's features), but not everyday words", () => {
    expect(anonymiser.anonymise('driven by "aapl" +0.76, "microsoft" +0.2; visa fees, v2')).toBe(
      'driven by "ASSET_01" +0.76, "ASSET_02" +0.2; visa fees, v2',
    );
  });

  it('leaves words that merely contain a ticker or a name alone, and tickers outside the run', () => {
    expect(anonymiser.anonymise('VWAP, MSFTX, Applebee, pineapple, NVDA, Vs')).toBe(
      'VWAP, MSFTX, Applebee, pineapple, NVDA, Vs',
    );
  });

  it('shifts ISO dates (also inside timestamps) by whole weeks and years in text by the nearest whole years', () => {
    expect(DEFAULT_DATE_SHIFT_DAYS % 7).toBe(0);
    const shifted = anonymiser.anonymise('at 2023-01-03T15:00:00.000Z (2022-12-30 close), Q4 2022 results');
    const expected = new Date(Date.UTC(2023, 0, 3) + DEFAULT_DATE_SHIFT_DAYS * 86_400_000);
    expect(expected.getUTCDay()).toBe(new Date(Date.UTC(2023, 0, 3)).getUTCDay());
    expect(shifted).toBe(
      `at ${expected.toISOString().slice(0, 10)}T15:00:00.000Z (2073-03-17 close), Q4 2072 results`,
    );
    expect(shifted).not.toMatch(/20[12]\d/);
  });

  it('rewrites a JSON prompt string by string: keys too, numbers never (2023 as a number stays 2023)', () => {
    const prompt = JSON.stringify({
      task: 'Answer for exactly these symbols: AAPL, MSFT.',
      maxWeightBySymbol: { AAPL: 0.2, MSFT: 0.15 },
      figures: { close: 2023, volume: 1999, asOf: '2023-06-30' },
      headlines: ['Microsoft to buy Activision for $68.7 billion in 2022'],
    });
    const out = JSON.parse(anonymiser.anonymise(prompt));
    expect(out).toEqual({
      task: 'Answer for exactly these symbols: ASSET_01, ASSET_02.',
      maxWeightBySymbol: { ASSET_01: 0.2, ASSET_02: 0.15 },
      figures: { close: 2023, volume: 1999, asOf: '2073-09-15' },
      headlines: ['ASSET_02 to buy Activision for $68.7 billion in 2072'],
    });
  });

  it('restores answers: ids back to tickers, shifted dates and years back', () => {
    const answer = {
      decisions: [{ symbol: 'ASSET_02', reasoning: 'ASSET_02 above its 2073-03-17 high; 2072 was weak' }],
    };
    expect(anonymiser.restore(answer)).toEqual({
      decisions: [{ symbol: 'MSFT', reasoning: 'MSFT above its 2022-12-30 high; 2022 was weak' }],
    });
    // Round trip of a text with every kind of token.
    const text = 'AAPL 2023-01-03 MSFT 2019 ASSET_09';
    expect(anonymiser.restore(anonymiser.anonymise(text))).toBe(text);
  });

  it('knows a name for each of the data set’s symbols', () => {
    expect(Object.keys(COMPANY_NAMES)).toHaveLength(36);
    for (const names of Object.values(COMPANY_NAMES)) expect(names.length).toBeGreaterThan(0);
  });
});

describe('AnonymisingLlmClient', () => {
  /** A model that records what it was sent and answers about the first neutral id it sees. */
  class RecordingModel implements LlmClient {
    seen: { system: string; user: string }[] = [];
    async complete<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      this.seen.push({ system: request.system, user: request.user });
      const id = /ASSET_\d+/.exec(request.user)?.[0] ?? 'none';
      return {
        value: request.schema.parse({ symbol: id, note: `${id} on 2073-03-17` }),
        usage: { promptTokens: 1, completionTokens: 1, costUsd: 0 },
        cached: false,
      };
    }
  }

  it('sends the anonymised prompt and returns the answer in the run’s terms, validated by the schema', async () => {
    const model = new RecordingModel();
    const client = new AnonymisingLlmClient(model, anonymiser);
    const answer = await client.complete({
      system: 'You rate US equities.',
      user: JSON.stringify({ symbol: 'AAPL', headline: 'Apple beats', asOf: '2022-12-30' }),
      // The schema must not name tickers (it reaches the provider as JSON Schema); the agents' schemas do not.
      schema: z.object({ symbol: z.string(), note: z.string() }),
      schemaName: 'probe',
      temperature: 0,
      maxTokens: 10,
    });
    expect(model.seen[0]?.user).toBe('{"symbol":"ASSET_01","headline":"ASSET_01 beats","asOf":"2073-03-17"}');
    expect(answer.value).toEqual({ symbol: 'AAPL', note: 'AAPL on 2022-12-30' });
  });
});

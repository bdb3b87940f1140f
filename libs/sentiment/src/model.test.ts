import { describe, expect, it } from 'vitest';
import { defaultSentimentModel } from './default-model';
import type { LabelledText } from './evaluation';
import { decodeSentimentModel, encodeSentimentModel } from './model';
import { trainSentimentModel } from './training';

const TOY: LabelledText[] = [
  { text: 'Operating profit rose and sales increased', label: 'positive' },
  { text: 'Net sales increased, profit rose strongly', label: 'positive' },
  { text: 'Profit rose on strong demand', label: 'positive' },
  { text: 'Operating loss widened and sales fell', label: 'negative' },
  { text: 'Sales fell, the loss widened', label: 'negative' },
  { text: 'Profit fell on weak demand', label: 'negative' },
  { text: 'The company is based in Helsinki', label: 'neutral' },
  { text: 'The company has offices in Helsinki and Oslo', label: 'neutral' },
  { text: 'The report is based on company data', label: 'neutral' },
];

describe('SentimentModel', () => {
  it('training twice gives byte-identical models, and bytes survive a decode/encode round trip', () => {
    const a = encodeSentimentModel(trainSentimentModel(TOY).weights);
    const b = encodeSentimentModel(trainSentimentModel(TOY).weights);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(encodeSentimentModel(decodeSentimentModel(a))).equals(Buffer.from(a))).toBe(true);
  });

  it('learns the toy set and explains with the words that drove it', () => {
    const model = trainSentimentModel(TOY);
    expect(model.predict('profit rose').label).toBe('positive');
    const e = model.explain('the loss widened and sales fell');
    expect(e.label).toBe('negative');
    expect(e.drivers.map((d) => d.term)).toEqual(expect.arrayContaining(['fell']));
    expect(
      e.drivers.every(
        (d, i, all) => i === 0 || Math.abs(all[i - 1]?.contribution ?? 0) >= Math.abs(d.contribution),
      ),
    ).toBe(true);
  });

  it('the shipped model reads news and social posts, deterministically', () => {
    const model = defaultSentimentModel();
    expect(model.predict('Operating profit rose to EUR 5 mn from EUR 3 mn').label).toBe('positive');
    expect(model.predict('Net sales decreased by 20 % and the operating loss widened').label).toBe(
      'negative',
    );
    expect(model.predict('The company is headquartered in Espoo, Finland').label).toBe('neutral');
    const post = '$AAPL new lows.. still holding my puts';
    expect(model.predict(post).score).toBeLessThan(0);
    expect(model.predict(post)).toEqual(model.predict(post));
    const p = model.predict(post).probabilities;
    expect(p.positive + p.negative + p.neutral).toBeCloseTo(1, 12);
  });
});

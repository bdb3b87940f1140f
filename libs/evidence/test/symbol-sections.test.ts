import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  EvidenceTimeline,
  type IndexableEvidence,
  insiderSymbols,
  type LocalEvidence,
  loadLocalEvidence,
  newsSymbols,
  socialSymbols,
} from '../src/index';
import {
  encodeSections,
  openSections,
  type SymbolSections,
  sectionsOf,
  seriesWindow,
} from '../src/symbol-sections';
import { dataFolder } from './data-folder';

const DAY_MS = 86_400_000;

/** Decision times from 2013 to 2024 (tweets cover 2014–2016, headlines and Form 4 trades the later years). */
const ASKED_AT = Array.from({ length: 40 }, (_, i) =>
  new Date(Date.parse('2013-06-03T14:30:00Z') + i * 101 * DAY_MS).toISOString(),
);
const SYMBOL_SETS: readonly (readonly string[])[] = [
  ['AAPL'],
  ['AAPL', 'GOOGL', 'MSFT', 'NVDA', 'TSLA'],
  ['XOM', 'JPM'],
  ['NOPE'],
];

const scratch = mkdtempSync(join(tmpdir(), 'ats-sections-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let files = 0;

/** Sections as a copy on disk holds them: written by encodeSections, opened by openSections. */
function asKeptOnDisk<T extends { availableAt: string }>(
  items: readonly T[],
  symbolsOf: (item: T) => readonly string[],
  chunkItems?: number,
): SymbolSections<T> {
  files += 1;
  const path = join(scratch, `sections-${files}.bin`);
  writeFileSync(path, encodeSections(sectionsOf(items, symbolsOf, chunkItems)));
  return openSections<T>(path);
}

function sectioned(evidence: LocalEvidence): IndexableEvidence {
  const { news, social, insider } = evidence;
  if (!('items' in news) || !('items' in social) || !('items' in insider))
    throw new Error('data folder lacks news, tweets or Form 4 trades');
  return {
    ...evidence,
    news: { source: news.source, sections: asKeptOnDisk(news.items, newsSymbols) },
    social: { source: social.source, sections: asKeptOnDisk(social.items, socialSymbols) },
    insider: { source: insider.source, sections: asKeptOnDisk(insider.items, insiderSymbols) },
  };
}

describe('EvidenceTimeline over items grouped by symbol (the parsed copy a compiled build keeps)', () => {
  let real: LocalEvidence;

  beforeAll(async () => {
    real = await loadLocalEvidence(dataFolder());
  });

  it('answers every question exactly as the timeline over the parsed items', () => {
    const fromItems = new EvidenceTimeline(real);
    const fromCopy = new EvidenceTimeline(sectioned(real));
    let itemsSeen = 0;
    for (const asOf of ASKED_AT) {
      for (const symbols of SYMBOL_SETS) {
        const expected = fromItems.at(asOf, symbols);
        expect(fromCopy.at(asOf, symbols)).toStrictEqual(expected);
        expect(fromCopy.at(asOf, symbols, { news: 30, social: 10 })).toStrictEqual(
          fromItems.at(asOf, symbols, { news: 30, social: 10 }),
        );
        itemsSeen += expected.news.length + expected.social.length + expected.insider.length;
      }
    }
    // The comparison covered real items of every kind, not empty windows.
    expect(itemsSeen).toBeGreaterThan(1_000);
    expect(fromCopy.counts()).toStrictEqual(fromItems.counts());
  });

  it('answers a range-restricted question as the timeline over items and a scan of every item do', () => {
    const range = { from: '2015-01-01T00:00:00Z', to: '2023-12-31T23:59:59Z', symbols: ['AAPL', 'MSFT'] };
    const fromItems = new EvidenceTimeline(real, range);
    const fromCopy = new EvidenceTimeline(sectioned(real), range);
    expect(fromCopy.counts()).toStrictEqual(fromItems.counts());
    const { news, social, insider } = real;
    if (!('items' in news) || !('items' in social) || !('items' in insider)) throw new Error('no evidence');
    // The reference: every item scanned, nothing indexed. Default windows (DEFAULT_WINDOW_DAYS): news and social 7 days, insider 90.
    const scan = <T extends { id: string; availableAt: string }>(
      all: readonly T[],
      symbolsOf: (item: T) => readonly string[],
      days: number,
      asOf: string,
      symbols: readonly string[],
    ) => {
      const t = Date.parse(asOf);
      const after = Math.max(t, Date.parse(range.from)) - days * DAY_MS;
      const upTo = Math.min(t, Date.parse(range.to));
      const ids = all
        .filter((item) => {
          const at = Date.parse(item.availableAt);
          const about = symbolsOf(item);
          return (
            at > after &&
            at <= upTo &&
            about.some((s) => symbols.includes(s)) &&
            about.some((s) => range.symbols.includes(s))
          );
        })
        .map((item) => item.id);
      return [...new Set(ids)].sort();
    };
    const idsOf = (list: readonly { id: string; availableAt: string }[]) => {
      const times = list.map((item) => Date.parse(item.availableAt));
      expect(times.every((t, i) => i === 0 || t >= (times[i - 1] as number))).toBe(true);
      return list.map((item) => item.id).sort();
    };
    let itemsSeen = 0;
    for (const asOf of ASKED_AT) {
      // GOOGL is outside the range's symbols: only its items that also name AAPL or MSFT are kept.
      for (const symbols of [['AAPL'], ['AAPL', 'MSFT'], ['GOOGL']]) {
        const got = fromCopy.at(asOf, symbols);
        expect(got).toStrictEqual(fromItems.at(asOf, symbols));
        expect(idsOf(got.news)).toStrictEqual(scan(news.items, newsSymbols, 7, asOf, symbols));
        expect(idsOf(got.social)).toStrictEqual(scan(social.items, socialSymbols, 7, asOf, symbols));
        expect(idsOf(got.insider)).toStrictEqual(scan(insider.items, insiderSymbols, 90, asOf, symbols));
        itemsSeen += got.news.length + got.social.length + got.insider.length;
      }
    }
    expect(itemsSeen).toBeGreaterThan(200);
  });
});

describe('seriesWindow over a sections file', () => {
  /** 1,000 items over 250 days, four per day with two sharing each time (equal times keep their order). */
  const items = Array.from({ length: 1_000 }, (_, i) => ({
    id: `item-${i}`,
    availableAt: new Date(
      Date.parse('2020-01-01T00:00:00Z') + Math.floor(i / 2) * (DAY_MS / 2),
    ).toISOString(),
    symbols: i % 3 === 0 ? ['AAA', 'BBB'] : ['AAA'],
  }));
  const symbolsOf = (item: (typeof items)[number]) => item.symbols;
  const inMemory = sectionsOf(items, symbolsOf, 64);
  const series = (sections: typeof inMemory, symbol: string) =>
    sections.bySymbol.get(symbol) ?? expect.unreachable();

  it('gives the items memory gives for windows across chunk edges, and the same objects when asked again', () => {
    const window = seriesWindow(series(asKeptOnDisk(items, symbolsOf, 64), 'AAA'), 64, -Infinity, Infinity);
    const reference = seriesWindow(series(inMemory, 'AAA'), 64, -Infinity, Infinity);
    expect(window.size).toBe(1_000);
    const t0 = Date.parse('2020-01-01T00:00:00Z');
    for (const [fromDay, toDay] of [
      [0, 250],
      [15.5, 16.5],
      [31, 33],
      [-5, 0],
      [100, 100],
      [249.5, 400],
    ] as const) {
      const from = t0 + fromDay * DAY_MS;
      const to = t0 + toDay * DAY_MS;
      const got = window.between(from, to);
      expect(got).toStrictEqual(reference.between(from, to));
      expect(window.between(from, to).every((item, i) => item === got[i])).toBe(true);
      const timed: { t: number; item: (typeof items)[number] }[] = [];
      window.timedBetween(from, to, timed);
      expect(timed.map((x) => x.item)).toStrictEqual(got);
      expect(timed.every((x) => x.t === Date.parse(x.item.availableAt))).toBe(true);
    }
  });

  it('reads the bytes of a symbol only when one of its chunks is asked for', () => {
    files += 1;
    const path = join(scratch, `sections-${files}.bin`);
    const bytes = encodeSections(inMemory);
    writeFileSync(path, bytes);
    const opened = openSections<(typeof items)[number]>(path);
    // The file is cut short: AAA's bytes come first and most of BBB's are gone.
    truncateSync(path, bytes.length - 100);
    const aaa = seriesWindow(series(opened, 'AAA'), 64, -Infinity, Infinity);
    expect(aaa.between(-Infinity, Infinity)).toStrictEqual(
      seriesWindow(series(inMemory, 'AAA'), 64, -Infinity, Infinity).between(-Infinity, Infinity),
    );
    // BBB's times came with the header; its items are read now and are not all there.
    const bbb = seriesWindow(series(opened, 'BBB'), 64, -Infinity, Infinity);
    expect(bbb.size).toBe(334);
    expect(() => bbb.between(-Infinity, Infinity)).toThrow(/sections file ends/);
    // Opened now, the same file is refused at once: its size is not the one its header describes.
    expect(() => openSections(path)).toThrow(/holds \d+ bytes, not the \d+ its header describes/);
  });

  it('keeps, under a symbol outside the wanted ones, only the items a filter accepts', () => {
    const t0 = Date.parse('2020-01-01T00:00:00Z');
    const bbb = series(asKeptOnDisk(items, symbolsOf, 64), 'BBB');
    const window = seriesWindow(bbb, 64, t0 + 10 * DAY_MS, t0 + 20 * DAY_MS, (item) => item.id.endsWith('0'));
    const got = window.between(-Infinity, Infinity);
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((item) => item.id.endsWith('0') && item.symbols.includes('BBB'))).toBe(true);
    expect(got.every((item) => Date.parse(item.availableAt) > t0 + 10 * DAY_MS)).toBe(true);
  });
});

describe('loadLocalEvidenceSections in a compiled build', () => {
  let cacheDir: string;

  beforeAll(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'ats-evidence-sections-'));
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('keeps headlines, tweets and Form 4 trades by symbol, and a new process answers from the copy', async () => {
    const expected = new EvidenceTimeline(await loadLocalEvidence(dataFolder()));
    // The build id is read when the module loads: each import below is a new "process" of build test-build.
    vi.stubEnv('ATS_BUNDLE_BUILD_ID', 'test-build');
    const load = async () => {
      vi.resetModules();
      const fresh = await import('../src/index');
      return fresh.EvidenceTimeline.load(dataFolder(), { parsedCacheDir: cacheDir });
    };
    const first = await load();
    const kept = readdirSync(cacheDir).sort();
    expect(kept.map((name) => name.replace(/-[0-9a-f]{24}\.v8$/, ''))).toStrictEqual([
      'by-symbol-form4',
      'by-symbol-headlines-company',
      'by-symbol-tweets',
      'fear-greed',
    ]);
    const writtenAt = kept.map((name) => statSync(join(cacheDir, name)).mtimeMs);
    const second = await load();
    // Read back, not parsed and written again.
    expect(readdirSync(cacheDir).sort()).toStrictEqual(kept);
    expect(kept.map((name) => statSync(join(cacheDir, name)).mtimeMs)).toStrictEqual(writtenAt);
    // A damaged copy (cut short) is parsed again, not read half.
    const headlines = kept.find((name) => name.startsWith('by-symbol-headlines-')) ?? expect.unreachable();
    const whole = statSync(join(cacheDir, headlines)).size;
    truncateSync(join(cacheDir, headlines), whole - 1_000);
    const cutAt = statSync(join(cacheDir, headlines)).mtimeMs;
    const third = await load();
    expect(statSync(join(cacheDir, headlines)).mtimeMs).not.toBe(cutAt);
    // Written again in full: the next process reads it back instead of parsing the data file once more. (Not the
    // same byte count: v8 writes a string one byte per character or two as the parse happened to store it.)
    const rewrittenAt = statSync(join(cacheDir, headlines)).mtimeMs;
    const fourth = await load();
    expect(statSync(join(cacheDir, headlines)).mtimeMs).toBe(rewrittenAt);
    for (const asOf of ASKED_AT.slice(0, 20)) {
      for (const symbols of SYMBOL_SETS) {
        const want = expected.at(asOf, symbols);
        expect(first.at(asOf, symbols)).toStrictEqual(want);
        expect(second.at(asOf, symbols)).toStrictEqual(want);
        expect(third.at(asOf, symbols)).toStrictEqual(want);
        expect(fourth.at(asOf, symbols)).toStrictEqual(want);
      }
    }
  });
});

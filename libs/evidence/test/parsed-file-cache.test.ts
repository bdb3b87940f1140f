import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadThroughDiskCache } from '../src/local/load-once';

/** A parser that counts its calls and returns nested data (arrays, undefined fields) as the evidence parsers do. */
function countingParser() {
  const parser = (text: string) => {
    parser.calls += 1;
    return text
      .trim()
      .split('\n')
      .map((line, i) => ({ id: `row-${i}`, symbols: line.split(','), note: i === 0 ? undefined : 'later' }));
  };
  parser.calls = 0;
  return parser;
}

describe('loadThroughDiskCache (the parsed data files a compiled build keeps)', () => {
  let dir: string;
  let dataFile: string;
  let cacheDir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ats-parsed-cache-'));
    dataFile = join(dir, 'tweets.csv');
    cacheDir = join(dir, 'cache');
    writeFileSync(dataFile, 'AAPL,MSFT\nNVDA\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses once per build and file, then reads the same value back without parsing', async () => {
    const parse = countingParser();
    const first = await loadThroughDiskCache(dataFile, 'tweets', parse, {
      dir: cacheDir,
      buildId: 'build-1',
    });
    const second = await loadThroughDiskCache(dataFile, 'tweets', parse, {
      dir: cacheDir,
      buildId: 'build-1',
    });
    expect(parse.calls).toBe(1);
    expect(second).toStrictEqual(first);
    expect(second).not.toBe(first);
    expect(Object.hasOwn(second[0] as object, 'note')).toBe(true); // undefined fields survive, as parsed
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.v8'))).toHaveLength(1);
  });

  it('parses again for another build, a changed file or a touched file, keeping the newest four per parser', async () => {
    const parse = countingParser();
    const cache = { dir: cacheDir, buildId: 'build-1' };
    await loadThroughDiskCache(dataFile, 'tweets', parse, cache);
    await loadThroughDiskCache(dataFile, 'tweets', parse, { dir: cacheDir, buildId: 'build-2' });
    expect(parse.calls).toBe(2);
    writeFileSync(dataFile, 'AAPL,MSFT\nNVDA\nTSLA\n');
    const changed = await loadThroughDiskCache(dataFile, 'tweets', parse, cache);
    expect(parse.calls).toBe(3);
    expect(changed.map((r) => r.symbols)).toEqual([['AAPL', 'MSFT'], ['NVDA'], ['TSLA']]);
    // Same size, new modification time: parsed again.
    utimesSync(dataFile, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    await loadThroughDiskCache(dataFile, 'tweets', parse, cache);
    expect(parse.calls).toBe(4);
    await loadThroughDiskCache(dataFile, 'fear-greed', countingParser(), cache);
    for (const buildId of ['build-3', 'build-4', 'build-5']) {
      await loadThroughDiskCache(dataFile, 'tweets', parse, { dir: cacheDir, buildId });
    }
    const kept = readdirSync(cacheDir).filter((f) => f.endsWith('.v8'));
    // Four newest per parser: the stack's apps are builds of their own and share the folder.
    expect(kept.filter((f) => f.startsWith('tweets-'))).toHaveLength(4);
    expect(kept.filter((f) => f.startsWith('fear-greed-'))).toHaveLength(1);
  });

  it('parses when the kept file is unreadable, and works when the cache folder cannot be written', async () => {
    const parse = countingParser();
    const cache = { dir: cacheDir, buildId: 'build-1' };
    await loadThroughDiskCache(dataFile, 'tweets', parse, cache);
    const [kept] = readdirSync(cacheDir).filter((f) => f.endsWith('.v8'));
    writeFileSync(join(cacheDir, kept as string), 'not a v8 serialisation');
    const again = await loadThroughDiskCache(dataFile, 'tweets', parse, cache);
    expect(parse.calls).toBe(2);
    expect(again).toHaveLength(2);
    // A cache "folder" below a file: nothing can be kept, the value still comes back.
    const blocked = { dir: join(dataFile, 'cache'), buildId: 'build-1' };
    expect(await loadThroughDiskCache(dataFile, 'tweets', parse, blocked)).toHaveLength(2);
    expect(parse.calls).toBe(3);
  });

  it("removes a killed writer's temporary file once it is older than any write, and only then", async () => {
    const cache = { dir: cacheDir, buildId: 'build-1' };
    await loadThroughDiskCache(dataFile, 'tweets', countingParser(), cache);
    const stale = join(cacheDir, 'tweets-abandoned.v8.123.x.tmp');
    const fresh = join(cacheDir, 'tweets-writing.v8.456.y.tmp');
    writeFileSync(stale, 'half');
    writeFileSync(fresh, 'half');
    utimesSync(stale, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    await loadThroughDiskCache(dataFile, 'tweets', countingParser(), { dir: cacheDir, buildId: 'build-2' });
    const names = readdirSync(cacheDir);
    expect(names).not.toContain('tweets-abandoned.v8.123.x.tmp');
    expect(names).toContain('tweets-writing.v8.456.y.tmp');
  });

  it('fails as a plain read does when the data file is missing', async () => {
    const missing = loadThroughDiskCache(join(dir, 'nope.csv'), 'tweets', countingParser(), {
      dir: cacheDir,
      buildId: 'build-1',
    });
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

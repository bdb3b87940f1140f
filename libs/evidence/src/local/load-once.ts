import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/**
 * The compiled build this code runs in: tools/build/run-bundled.mjs writes its bundle's id here at build time.
 * Undefined when running from source (tsx, vitest): there a parser can change without a build, so parsed files
 * are never kept on disk.
 */
const BUILD_ID: string | undefined = process.env.ATS_BUNDLE_BUILD_ID;

/** Whether `loadOnce` keeps parsed copies in `cacheDir`: only a compiled build does, and only when given a folder. */
export function keepsParsedCopies(cacheDir: string | undefined): cacheDir is string {
  return cacheDir !== undefined && BUILD_ID !== undefined;
}

/**
 * How a parsed value is kept on disk. By default the whole value in v8 serialisation, read back whole; a kind may
 * bring a form it reads back in parts (the evidence grouped by symbol: openSections).
 */
export interface CopyFormat<T> {
  write(value: T): Uint8Array;
  read(path: string): T | Promise<T>;
}

const WHOLE_VALUE: CopyFormat<unknown> = {
  write: (value) => serialize(value),
  read: async (path) => deserialize(await readFile(path)),
};

/** Parsed copies kept per parser (builds of several apps, and the last few builds of each). */
const KEPT_PER_PARSER = 4;
/** A temporary file this old was left by a writer that died before renaming it. */
const ABANDONED_WRITE_MS = 10 * 60_000;

/** The data files never change while a process runs: each is read and parsed once, whoever asks. */
const loaded = new Map<string, Promise<unknown>>();

/**
 * Reads `path` and parses it the first time any caller asks for this (path, parser) pair; later callers share
 * the same promise. A failed read is not kept, so a file that appears later is read then.
 *
 * With `cacheDir`, a compiled build also keeps the parsed value on disk (v8 serialisation), keyed by the file's path,
 * size and modification time, the parser's name and the build's id: the next process of the same build reads it
 * back in about a third of the parse time (the evidence files: ~200 ms instead of ~600). Any code change is a new
 * build and any data change a new size or time, so a stale copy is never read; each parser keeps its
 * KEPT_PER_PARSER newest files.
 */
export function loadOnce<T>(
  path: string,
  parserName: string,
  parse: (text: string) => T,
  cacheDir?: string,
  format?: CopyFormat<T>,
): Promise<T> {
  const key = `${parserName}\u0000${path}`;
  let promise = loaded.get(key) as Promise<T> | undefined;
  if (!promise) {
    promise =
      cacheDir !== undefined && BUILD_ID !== undefined
        ? loadThroughDiskCache(path, parserName, parse, { dir: cacheDir, buildId: BUILD_ID }, format)
        : readFile(path, 'utf8').then(parse);
    loaded.set(key, promise);
    promise.catch(() => loaded.delete(key));
  }
  return promise;
}

/** Where parsed files are kept, and the build whose parsers made them. */
export interface ParsedFileCache {
  readonly dir: string;
  readonly buildId: string;
}

/** The parsed file from `cache` when this build kept it for the file as it is now; else parsed, and kept. */
export async function loadThroughDiskCache<T>(
  path: string,
  parserName: string,
  parse: (text: string) => T,
  cache: ParsedFileCache,
  format: CopyFormat<T> = WHOLE_VALUE as CopyFormat<T>,
): Promise<T> {
  const { dir: cacheDir, buildId } = cache;
  // A missing data file fails here as it does without a cache (callers report the kind unavailable).
  const file = await stat(path);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([path, file.size, file.mtimeMs, parserName, buildId]))
    .digest('hex')
    .slice(0, 24);
  const prefix = `${parserName.replace(/[^a-z0-9-]/gi, '_')}-`;
  const kept = join(cacheDir, `${prefix}${fingerprint}.v8`);
  try {
    return await format.read(kept);
  } catch {
    // Not kept yet (or unreadable): parse below.
  }
  const value = parse(await readFile(path, 'utf8'));
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Written under a temporary name and renamed: parallel workers never read half a file.
    const temporary = `${kept}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(temporary, format.write(value));
    renameSync(temporary, kept);
    // Each app is a build of its own (a stack's services run several at once): keep a few per parser, newest first.
    const files = readdirSync(cacheDir)
      .filter((name) => name.startsWith(prefix))
      .map((name) => ({ name, path: join(cacheDir, name), mtimeMs: statSync(join(cacheDir, name)).mtimeMs }));
    const older = files
      .filter((f) => f.name.endsWith('.v8'))
      .sort((a, b) => b.mtimeMs - a.mtimeMs)
      .slice(KEPT_PER_PARSER);
    // A writer killed mid-write leaves its temporary file; one older than any write takes is left over.
    const abandoned = files.filter(
      (f) => f.name.endsWith('.tmp') && Date.now() - f.mtimeMs > ABANDONED_WRITE_MS,
    );
    for (const file of [...older, ...abandoned]) if (file.path !== kept) rmSync(file.path, { force: true });
  } catch {
    // A cache folder that cannot be written costs speed only.
  }
  return value;
}

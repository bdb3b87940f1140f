import { readFile } from 'node:fs/promises';

/** The data files never change while a process runs: each is read and parsed once, whoever asks. */
const loaded = new Map<string, Promise<unknown>>();

/**
 * Reads `path` and parses it the first time any caller asks for this (path, parser) pair; later callers share
 * the same promise. A failed read is not kept, so a file that appears later is read then.
 */
export function loadOnce<T>(path: string, parserName: string, parse: (text: string) => T): Promise<T> {
  const key = `${parserName}\u0000${path}`;
  let promise = loaded.get(key) as Promise<T> | undefined;
  if (!promise) {
    promise = readFile(path, 'utf8').then(parse);
    loaded.set(key, promise);
    promise.catch(() => loaded.delete(key));
  }
  return promise;
}

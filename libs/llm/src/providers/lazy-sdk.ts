import { LlmConfigError } from '../errors';

/**
 * A provider's SDK, loaded and its client built on the first request (so a run without that provider never loads
 * it); concurrent first requests share one load. A failure (a bundle without the package, an option the SDK refuses)
 * is a configuration error, and the next request tries again.
 */
export function loadedOnFirstUse<T>(sdkName: string, load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw new LlmConfigError(
        `cannot load the ${sdkName} SDK: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    return loaded;
  };
}

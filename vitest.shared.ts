import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { testTimeScale } from './tools/testing/time-scale.ts';

const servicesSetup = fileURLToPath(new URL('./tools/testing/global-setup.ts', import.meta.url));

/**
 * Default per-test budgets. They are ceilings for a hung test, not targets: `npm test` runs every project in
 * parallel on two cores, and the same suite must pass while other work keeps both busy (`npm run test:under-load`),
 * where a test is several times slower than alone. ATS_TEST_TIME_SCALE stretches them further.
 */
const UNIT_TEST_TIMEOUT_MS = 30_000;
const SERVICES_TEST_TIMEOUT_MS = 90_000;
/** Hooks start processes, servers and databases (beforeAll) and stop them. */
const HOOK_TIMEOUT_MS = 180_000;

export interface ProjectTestOptions {
  /** The project's tests talk to real NATS and/or Postgres: make them available (starting private ones if needed). */
  readonly needsServices?: boolean;
  /** Per-test timeout in ms on a quiet machine (stretched by ATS_TEST_TIME_SCALE); integration tests need more. */
  readonly testTimeout?: number;
  /** Test file globs, relative to the project (default: unit tests in src/, integration tests in test/). */
  readonly include?: string[];
  /**
   * Set false where the files share no module state or environment changes: a worker then imports the app's module
   * graph once instead of once per file (the API gateway's 20 files spent 58 s of a 111 s CI run importing).
   */
  readonly isolate?: boolean;
}

/** One vitest configuration shape for every Nx project (tests beside code, integration tests under test/). */
export function projectTestConfig(options: ProjectTestOptions = {}) {
  const scale = testTimeScale();
  const testTimeout = Math.max(
    options.testTimeout ?? 0,
    options.needsServices ? SERVICES_TEST_TIMEOUT_MS : UNIT_TEST_TIMEOUT_MS,
  );
  return defineConfig({
    test: {
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: Math.round(testTimeout * scale),
      hookTimeout: Math.round(HOOK_TIMEOUT_MS * scale),
      // Let a slow teardown (servers draining on busy cores) finish instead of being reported as a hang.
      teardownTimeout: Math.round(60_000 * scale),
      globalSetup: options.needsServices ? [servicesSetup] : [],
      pool: 'forks',
      isolate: options.isolate ?? true,
      reporters: ['default'],
    },
  });
}

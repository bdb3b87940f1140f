import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const servicesSetup = fileURLToPath(new URL('./tools/testing/global-setup.ts', import.meta.url));

export interface ProjectTestOptions {
  /** The project's tests talk to real NATS and/or Postgres: make them available (starting private ones if needed). */
  readonly needsServices?: boolean;
  /** Per-test timeout in ms; integration tests against real servers need more than the default. */
  readonly testTimeout?: number;
  /** Test file globs, relative to the project (default: unit tests in src/, integration tests in test/). */
  readonly include?: string[];
}

/** One vitest configuration shape for every Nx project (tests beside code, integration tests under test/). */
export function projectTestConfig(options: ProjectTestOptions = {}) {
  return defineConfig({
    test: {
      include: options.include ?? ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: options.testTimeout ?? (options.needsServices ? 30_000 : 10_000),
      hookTimeout: 60_000,
      globalSetup: options.needsServices ? [servicesSetup] : [],
      pool: 'forks',
      reporters: ['default'],
    },
  });
}

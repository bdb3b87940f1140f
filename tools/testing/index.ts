import { randomBytes } from 'node:crypto';
import { newRunId } from './run-id';

export { testDatabaseName } from './run-id';
export { createMigratedDatabase, type ThrowawayDatabase } from './throwaway-database';

export class MissingTestServicesError extends Error {
  constructor(readonly variable: string) {
    super(
      `${variable} is not set: give the project's vitest.config.ts projectTestConfig({ needsServices: true })`,
    );
  }
}

let localRunId: string | undefined;

/**
 * The id of this test run (ATS_TEST_RUN_ID from the services global setup). Outside it (plain unit tests)
 * one id per process, so names stay unique anyway.
 */
export function testRunId(): string {
  const fromSetup = process.env.ATS_TEST_RUN_ID;
  if (fromSetup) return fromSetup;
  localRunId ??= newRunId();
  return localRunId;
}

// Workers of one run share the run id; a per-process tag keeps their names apart.
const processTag = randomBytes(2).toString('hex');
let counter = 0;

/**
 * A name no other test, worker or concurrent run uses, for streams, consumers, KV buckets and subject
 * tokens: only [A-Za-z0-9_-], which NATS accepts in all of them.
 */
export function uniqueName(prefix: string): string {
  counter += 1;
  const safePrefix = prefix.replace(/[^A-Za-z0-9_-]/g, '_');
  return `${safePrefix}_${testRunId()}_${processTag}${counter}`;
}

export interface TestServices {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly runId: string;
}

/** The servers the global setup prepared; throws when the project did not ask for them. */
export function testServices(): TestServices {
  const natsUrl = process.env.NATS__URL;
  const databaseUrl = process.env.DATABASE__URL;
  const runId = process.env.ATS_TEST_RUN_ID;
  if (!natsUrl) throw new MissingTestServicesError('NATS__URL');
  if (!databaseUrl) throw new MissingTestServicesError('DATABASE__URL');
  if (!runId) throw new MissingTestServicesError('ATS_TEST_RUN_ID');
  return { natsUrl, databaseUrl, runId };
}
export { AGENT_TEST_SYMBOLS, contextAt } from './agent-context';
export { browserTestsEnabled, CHROMIUM_PATH, launchChromium } from './browser';
export { bundledEntry, RUN_BUNDLED } from './bundled-entry';
export { dataFolderPath } from './data-folder';
export { type FakeYahooLive, type FakeYahooLiveOptions, startFakeYahooLive } from './fake-yahoo-live';
export { type ServiceProcess, spawnServiceProcess } from './service-process';
export {
  InvalidTimeScaleError,
  TEST_REQUEST_TIMEOUT_MS,
  TIME_SCALE_VARIABLE,
  testRequestTimeoutMs,
  testTimeScale,
  within,
} from './time-scale';
export { DEFAULT_EVENTUALLY_MS, eventually, freePort } from './waiting';
export { type YahooChartColumns, yahooChartBody } from './yahoo-chart-body';

import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium package (browser downloads are impossible offline); ATS_CHROMIUM_PATH overrides it. */
export const CHROMIUM_PATH = process.env.ATS_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless and offline: no sandbox (root in CI), no GPU, no background calls to Google's services. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Whether browser tests should run: always in CI (where a missing browser must fail the run, not skip it),
 * locally only when Chromium is installed — otherwise the caller skips and this says why once.
 */
export function browserTestsEnabled(suite: string): boolean {
  if (existsSync(CHROMIUM_PATH) || process.env.CI === 'true') return true;
  console.warn(`${suite} skipped: ${CHROMIUM_PATH} not found (install with: apt-get install -y chromium)`);
  return false;
}

/** Launches headless Chromium, failing with the install command when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (or set ATS_CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

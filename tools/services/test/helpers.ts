import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../ports';
import type { ServicesState } from '../state';

/** A throwaway state dir, so tests never touch a developer's <repo>/.services servers. */
export function scratchServicesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ats-services-test-'));
  // As root the private cluster runs as `postgres`, which must be able to enter the dir.
  chmodSync(dir, 0o755);
  return dir;
}

export function recordedState(dir: string): Partial<ServicesState> {
  const file = join(dir, 'state.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ServicesState) : {};
}

/** URLs on loopback ports where nothing listens, so `up` must start private servers. */
export async function unusedUrls() {
  return {
    NATS__URL: `nats://127.0.0.1:${await freePort()}`,
    DATABASE__URL: `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`,
  };
}

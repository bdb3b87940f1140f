import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tools/services/ is two levels below it). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where private servers keep data, logs and state.json: `ATS_SERVICES_DIR`, else `<repo>/.services` (gitignored). */
export function servicesDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ATS_SERVICES_DIR || join(repoRoot, '.services'));
}

export interface PrivateNats {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly storeDir: string;
  readonly logFile: string;
  readonly startedAt: string;
}

export interface PrivatePostgres {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  readonly binDir: string;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly logFile: string;
  /** OS user that owns the cluster (pg_ctl must run as it); null = the current user. */
  readonly osUser: string | null;
  readonly startedAt: string;
}

/** A process using private servers right now; they are stopped when the last live lease is released. */
export interface Lease {
  readonly id: string;
  readonly pid: number;
}

export interface ServicesState {
  nats?: PrivateNats;
  postgres?: PrivatePostgres;
  leases: Lease[];
  /** Set by `services up` from the CLI: the developer keeps the servers until `services down`. */
  keep: boolean;
}

const emptyState = (): ServicesState => ({ leases: [], keep: false });

export function readState(dir: string): ServicesState {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return emptyState();
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ServicesState>;
  return { ...emptyState(), ...parsed };
}

export function writeState(dir: string, state: ServicesState): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'state.json');
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, file);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user (e.g. the postgres postmaster).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process (Linux /proc), so a recycled pid is never mistaken for our server. */
export function isRunning(pid: number, commandName: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(cmdline, 'utf8').includes(commandName);
  } catch {
    return false;
  }
}

export function newLease(): Lease {
  return { id: randomBytes(6).toString('hex'), pid: process.pid };
}

export class ServicesLockTimeoutError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holderPid: number,
  ) {
    super(`timed out waiting for ${lockFile} (held by pid ${holderPid}); remove it if that process is gone`);
  }
}

/**
 * Runs `work` while holding `<dir>/lock`, so concurrent test runs never start two private servers or
 * stop servers another run is still starting. A lock left by a dead process is taken over.
 */
export async function withLock<T>(dir: string, work: () => Promise<T>, timeoutMs = 180_000): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lockFile = join(dir, 'lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8')) || 0;
      if (holder && !isAlive(holder)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() >= deadline) throw new ServicesLockTimeoutError(lockFile, holder);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/** The last lines of a log file, for error messages when a server does not come up. */
export function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

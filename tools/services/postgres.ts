import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { installPackage, isRoot } from './apt';
import { freePort, waitUntil } from './ports';
import { isRunning, logTail, type PrivatePostgres } from './state';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const PROBE_TIMEOUT_MS = 2_000;
const START_TIMEOUT_S = 60;
/** Unix socket paths are limited to 107 bytes; `<dir>/.s.PGSQL.<port>` must fit. */
const MAX_SOCKET_DIR_LENGTH = 80;
const PG_OS_USER = 'postgres';
/** Clusters and sockets placed in the temp dir (see clusterDirs) are removed on stop; nobody else finds them. */
const FALLBACK_CLUSTER_PREFIX = 'ats-pg-';
const FALLBACK_SOCKET_PREFIX = 'ats-pgsock-';

const execFileAsync = promisify(execFile);

export type PostgresProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Postgres answers when a client can connect and run `SELECT 1` within a short timeout. */
export async function probePostgres(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<PostgresProbe> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  // A server that dies mid-probe emits 'error' on the client; the awaited calls below report it.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message || String(error) };
  } finally {
    await client.end().catch(() => {});
  }
}

const hasInitdb = (dir: string): boolean =>
  existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));

function findBinDir(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (hasInitdb(dir)) return dir;
  } catch {
    // pg_config missing: look where Debian puts server binaries
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => hasInitdb(join(root, v, 'bin')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** Directory holding initdb and pg_ctl; installs Debian's `postgresql` when missing and root. */
export function postgresBinDir(): string {
  const found = findBinDir();
  if (found) return found;
  installPackage('postgresql', 'initdb/pg_ctl');
  const installed = findBinDir();
  if (!installed) throw new Error('initdb still not found after apt-get install postgresql');
  return installed;
}

/** Postgres refuses to run as root, so as root the cluster belongs to the `postgres` OS user. */
function ensurePostgresUser(): void {
  try {
    execFileSync('id', ['-u', PG_OS_USER], { stdio: 'ignore' });
  } catch {
    execFileSync(
      'useradd',
      ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', PG_OS_USER],
      {
        stdio: 'inherit',
      },
    );
  }
}

async function runAs(user: string | null, file: string, args: readonly string[], cwd: string) {
  const [command, commandArgs] = user ? ['runuser', ['-u', user, '--', file, ...args]] : [file, [...args]];
  return execFileAsync(command, commandArgs, {
    cwd,
    encoding: 'utf8',
    timeout: (START_TIMEOUT_S + 30) * 1000,
  });
}

function canUse(user: string, dir: string): boolean {
  try {
    execFileSync('runuser', ['-u', user, '--', 'test', '-w', dir, '-a', '-x', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class PostgresStartError extends Error {
  constructor(
    message: string,
    readonly logFile: string,
  ) {
    super(`${message}\n--- ${logFile} (tail) ---\n${logTail(logFile)}`);
  }
}

interface ClusterDirs {
  readonly pgDir: string;
  readonly socketDir: string;
}

/** Picks the cluster directory; as root it must be reachable by the postgres user, else a /tmp one is used. */
function clusterDirs(dir: string, osUser: string | null): ClusterDirs {
  let pgDir = join(dir, 'pg');
  mkdirSync(pgDir, { recursive: true });
  if (osUser) {
    execFileSync('chown', ['-R', `${osUser}:`, pgDir]);
    if (!canUse(osUser, pgDir)) {
      // e.g. a checkout under /root (mode 700): the postgres user cannot reach it.
      pgDir = mkdtempSync(join(tmpdir(), FALLBACK_CLUSTER_PREFIX));
      chmodSync(pgDir, 0o755);
      execFileSync('chown', ['-R', `${osUser}:`, pgDir]);
    }
  }
  let socketDir = join(pgDir, 'run');
  if (socketDir.length > MAX_SOCKET_DIR_LENGTH)
    socketDir = mkdtempSync(join(tmpdir(), FALLBACK_SOCKET_PREFIX));
  mkdirSync(socketDir, { recursive: true });
  if (osUser) execFileSync('chown', ['-R', `${osUser}:`, socketDir]);
  return { pgDir, socketDir };
}

/**
 * Starts a private Postgres cluster (initdb on first use, trust auth, superuser `postgres`) on a free
 * loopback port. fsync is off: private clusters hold throwaway test and development data.
 */
export async function startPrivatePostgres(dir: string): Promise<PrivatePostgres> {
  const binDir = postgresBinDir();
  const osUser = isRoot() ? PG_OS_USER : null;
  if (osUser) ensurePostgresUser();
  const { pgDir, socketDir } = clusterDirs(dir, osUser);
  const dataDir = join(pgDir, 'data');
  const logFile = join(pgDir, 'postgres.log');
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    try {
      await runAs(
        osUser,
        join(binDir, 'initdb'),
        ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
        pgDir,
      );
    } catch (error) {
      throw new PostgresStartError(`initdb failed: ${(error as Error).message}`, logFile);
    }
  }
  const port = await freePort();
  const serverOptions = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  try {
    await runAs(
      osUser,
      join(binDir, 'pg_ctl'),
      ['-D', dataDir, '-l', logFile, '-w', '-t', String(START_TIMEOUT_S), '-o', serverOptions, 'start'],
      pgDir,
    );
  } catch (error) {
    throw new PostgresStartError(`pg_ctl start failed: ${(error as Error).message}`, logFile);
  }
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const up = await waitUntil(async () => (await probePostgres(url, 1_000)).ok, { timeoutMs: 15_000 });
  if (!up) throw new PostgresStartError(`Postgres did not answer on ${url}`, logFile);
  const pid = postmasterPid(dataDir) ?? 0;
  return { pid, port, url, binDir, dataDir, socketDir, logFile, osUser, startedAt: new Date().toISOString() };
}

/** The postmaster's pid as the cluster records it (first line of postmaster.pid); undefined when it has none. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the cluster in `dataDir` runs, judged by its own postmaster.pid rather than the pid recorded at start:
 * a `pg_ctl restart` gives the postmaster a new pid, and a stop keyed on the old one would leave it running.
 */
export function privateClusterRunning(dataDir: string): boolean {
  const pid = postmasterPid(dataDir);
  return pid !== undefined && isRunning(pid, 'postgres');
}

/** `pg_ctl stop -D <data dir> -m fast`: rolls back open transactions and waits until the cluster is down. */
export async function stopPrivatePostgres(postgres: PrivatePostgres): Promise<void> {
  if (privateClusterRunning(postgres.dataDir)) {
    try {
      const args = ['-D', postgres.dataDir, '-m', 'fast', '-w', 'stop'];
      await runAs(postgres.osUser, join(postgres.binDir, 'pg_ctl'), args, '/');
    } catch (error) {
      throw new PostgresStartError(`pg_ctl stop failed: ${(error as Error).message}`, postgres.logFile);
    }
  }
  const fallbacks = [
    [dirname(postgres.dataDir), FALLBACK_CLUSTER_PREFIX],
    [postgres.socketDir, FALLBACK_SOCKET_PREFIX],
  ] as const;
  for (const [dir, prefix] of fallbacks) {
    if (dirname(dir) === tmpdir() && basename(dir).startsWith(prefix))
      rmSync(dir, { recursive: true, force: true });
  }
}

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { probePostgres, up } from '@ats/tool-services';

const execFileAsync = promisify(execFile);
/** A URL nothing answers on, so `up` starts a private cluster instead of reusing the machine's Postgres. */
const NOWHERE = 'postgresql://postgres@127.0.0.1:1/none';

/** What tools/services records about a private cluster in <dir>/state.json. */
interface ClusterState {
  readonly url: string;
  readonly binDir: string;
  readonly dataDir: string;
  readonly osUser: string | null;
  readonly logFile: string;
}

export interface ChaosPostgres {
  readonly url: string;
  /** `pg_ctl restart -m fast` (open connections are cut); resolves with the ms until `SELECT 1` works again. */
  restart(): Promise<number>;
  stop(): Promise<void>;
}

/** A private Postgres cluster in a temp state dir (tools/services), never the machine's system server. */
export async function startChaosPostgres(): Promise<ChaosPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'ats-chaos-services-'));
  const services = await up({ services: ['postgres'], dir, env: { DATABASE__URL: NOWHERE } });
  if (services.postgres?.source !== 'started') throw new Error('expected a private Postgres cluster');
  const cluster = (JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { postgres: ClusterState })
    .postgres;
  const pgCtl = join(cluster.binDir, 'pg_ctl');
  // -l: without a log file the new postmaster keeps pg_ctl's stdout open and execFile would wait on it forever.
  const args = ['-D', cluster.dataDir, '-l', cluster.logFile, '-m', 'fast', '-w', 'restart'];
  return {
    url: cluster.url,
    async restart() {
      const started = performance.now();
      // pg_ctl restart reuses the options the server was started with (postmaster.opts).
      await (cluster.osUser
        ? execFileAsync('runuser', ['-u', cluster.osUser, '--', pgCtl, ...args], { cwd: '/' })
        : execFileAsync(pgCtl, args, { cwd: '/' }));
      while (!(await probePostgres(cluster.url, 500)).ok) await new Promise((r) => setTimeout(r, 20));
      return performance.now() - started;
    },
    async stop() {
      await services.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { DEFAULT_NATS_URL, probeNats, startPrivateNats, stopPrivateNats } from './nats';
import {
  DEFAULT_DATABASE_URL,
  privateClusterRunning,
  probePostgres,
  startPrivatePostgres,
  stopPrivatePostgres,
} from './postgres';
import {
  isAlive,
  isRunning,
  type Lease,
  newLease,
  type PrivateNats,
  type PrivatePostgres,
  readState,
  type ServicesState,
  servicesDir,
  withLock,
  writeState,
} from './state';

export type ServiceName = 'nats' | 'postgres';

/** configured: the URL from the environment answered; reused: a private server already running; started: by this call. */
export type EndpointSource = 'configured' | 'reused' | 'started';

export interface Endpoint {
  readonly url: string;
  readonly source: EndpointSource;
}

export interface UpOptions {
  /** Which services to make available (default both). */
  readonly services?: readonly ServiceName[];
  /** Where NATS__URL / DATABASE__URL / ATS_SERVICES_DIR are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** State directory (default ATS_SERVICES_DIR or <repo>/.services). */
  readonly dir?: string;
  /** Keep private servers running after release, until an explicit `down` (the CLI's `up`). */
  readonly keep?: boolean;
}

export interface RunningServices {
  readonly dir: string;
  readonly nats?: Endpoint;
  readonly postgres?: Endpoint;
  /** `NATS__URL` / `DATABASE__URL` for the services asked for. */
  readonly env: Readonly<Record<string, string>>;
  /** True when this call started at least one private server. */
  readonly startedAny: boolean;
  /** Done with the servers: private ones stop when no other live user holds them and nobody asked to keep them. */
  release(): Promise<void>;
}

const ALL: readonly ServiceName[] = ['nats', 'postgres'];

const natsUsable = async (nats: PrivateNats | undefined): Promise<boolean> =>
  !!nats && isRunning(nats.pid, 'nats-server') && (await probeNats(nats.url)).ok;

const postgresUsable = async (postgres: PrivatePostgres | undefined): Promise<boolean> =>
  !!postgres && privateClusterRunning(postgres.dataDir) && (await probePostgres(postgres.url)).ok;

/**
 * Makes NATS (JetStream) and Postgres available: the configured URLs when they answer, otherwise private
 * servers under the state directory (reused when already running, started when not).
 */
export async function up(options: UpOptions = {}): Promise<RunningServices> {
  const env = options.env ?? process.env;
  const dir = options.dir ?? servicesDir(env);
  const wanted = options.services ?? ALL;
  const natsUrl = env.NATS__URL || DEFAULT_NATS_URL;
  const databaseUrl = env.DATABASE__URL || DEFAULT_DATABASE_URL;

  const [natsProbe, postgresProbe] = await Promise.all([
    wanted.includes('nats') ? probeNats(natsUrl) : undefined,
    wanted.includes('postgres') ? probePostgres(databaseUrl) : undefined,
  ]);
  let nats: Endpoint | undefined = natsProbe?.ok ? { url: natsUrl, source: 'configured' } : undefined;
  let postgres: Endpoint | undefined = postgresProbe?.ok
    ? { url: databaseUrl, source: 'configured' }
    : undefined;
  const needNats = wanted.includes('nats') && !nats;
  const needPostgres = wanted.includes('postgres') && !postgres;

  let lease: Lease | undefined;
  if (needNats || needPostgres) {
    await withLock(dir, async () => {
      const state = readState(dir);
      try {
        await ensurePrivate(dir, state);
      } catch (error) {
        // Nobody else uses what we just started: do not leave it running behind a failed `up`.
        if (!state.keep && !state.leases.some((l) => isAlive(l.pid))) await stopAll(dir, state);
        throw error;
      }
      if (options.keep) state.keep = true;
      else {
        lease = newLease();
        state.leases = [...state.leases.filter((l) => isAlive(l.pid)), lease];
      }
      writeState(dir, state);
    });
  }

  async function ensurePrivate(dir: string, state: ServicesState): Promise<void> {
    // Record each server as soon as it runs, so a failure starting the other one never orphans it.
    if (needNats) {
      if (await natsUsable(state.nats)) nats = { url: state.nats!.url, source: 'reused' };
      else {
        state.nats = await startPrivateNats(dir);
        writeState(dir, state);
        nats = { url: state.nats.url, source: 'started' };
      }
    }
    if (needPostgres) {
      if (await postgresUsable(state.postgres)) postgres = { url: state.postgres!.url, source: 'reused' };
      else {
        state.postgres = await startPrivatePostgres(dir);
        writeState(dir, state);
        postgres = { url: state.postgres.url, source: 'started' };
      }
    }
  }

  const exported: Record<string, string> = {};
  if (nats) exported.NATS__URL = nats.url;
  if (postgres) exported.DATABASE__URL = postgres.url;
  let released = false;
  return {
    dir,
    nats,
    postgres,
    env: exported,
    startedAny: nats?.source === 'started' || postgres?.source === 'started',
    release: async () => {
      if (released || !lease) return;
      released = true;
      const mine = lease;
      await withLock(dir, async () => {
        const state = readState(dir);
        state.leases = state.leases.filter((l) => l.id !== mine.id && isAlive(l.pid));
        writeState(dir, state);
        if (!state.keep && state.leases.length === 0) await stopAll(dir, state);
      });
    },
  };
}

export interface Stopped {
  readonly nats?: PrivateNats;
  readonly postgres?: PrivatePostgres;
}

async function stopAll(dir: string, state: ServicesState): Promise<Stopped> {
  const stopped: { nats?: PrivateNats; postgres?: PrivatePostgres } = {};
  if (state.nats) {
    await stopPrivateNats(state.nats);
    stopped.nats = state.nats;
    state.nats = undefined;
  }
  if (state.postgres) {
    await stopPrivatePostgres(state.postgres);
    stopped.postgres = state.postgres;
    state.postgres = undefined;
  }
  state.keep = false;
  writeState(dir, state);
  return stopped;
}

/** Stops the private servers recorded in the state directory; never touches system services. */
export async function down(options: Pick<UpOptions, 'env' | 'dir'> = {}): Promise<Stopped> {
  const dir = options.dir ?? servicesDir(options.env ?? process.env);
  return withLock(dir, async () => {
    const state = readState(dir);
    const stopped = await stopAll(dir, state);
    state.leases = [];
    writeState(dir, state);
    return stopped;
  });
}

export interface ServiceStatus {
  readonly url: string;
  readonly answering: boolean;
  readonly reason?: string;
}

export interface StatusReport {
  readonly dir: string;
  readonly configured: { readonly nats: ServiceStatus; readonly postgres: ServiceStatus };
  readonly private: {
    readonly nats?: ServiceStatus & { readonly pid: number };
    readonly postgres?: ServiceStatus & { readonly pid: number };
  };
  readonly leases: number;
  readonly keep: boolean;
}

const toStatus = (url: string, probe: { ok: boolean; reason?: string }): ServiceStatus =>
  probe.ok ? { url, answering: true } : { url, answering: false, reason: probe.reason };

/** What answers at the configured URLs and which private servers are recorded, without changing anything. */
export async function status(options: Pick<UpOptions, 'env' | 'dir'> = {}): Promise<StatusReport> {
  const env = options.env ?? process.env;
  const dir = options.dir ?? servicesDir(env);
  const natsUrl = env.NATS__URL || DEFAULT_NATS_URL;
  const databaseUrl = env.DATABASE__URL || DEFAULT_DATABASE_URL;
  const state = readState(dir);
  const [natsProbe, postgresProbe, privateNats, privatePostgres] = await Promise.all([
    probeNats(natsUrl),
    probePostgres(databaseUrl),
    state.nats ? probeNats(state.nats.url) : undefined,
    state.postgres ? probePostgres(state.postgres.url) : undefined,
  ]);
  return {
    dir,
    configured: { nats: toStatus(natsUrl, natsProbe), postgres: toStatus(databaseUrl, postgresProbe) },
    private: {
      ...(state.nats && privateNats
        ? { nats: { ...toStatus(state.nats.url, privateNats), pid: state.nats.pid } }
        : {}),
      ...(state.postgres && privatePostgres
        ? { postgres: { ...toStatus(state.postgres.url, privatePostgres), pid: state.postgres.pid } }
        : {}),
    },
    leases: state.leases.filter((l) => isAlive(l.pid)).length,
    keep: state.keep,
  };
}

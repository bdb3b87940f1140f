import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { provisionServiceRoles, serviceDatabaseUrl, servicePasswordsFromEnv } from '@ats/db';
import { type AuthNats, ensureCredentials, freePort, startAuthNats } from '@ats/tool-nats-auth';
import type { PlannedProcess } from './plan';
import { type ExitReason, type RestartPolicy, type SupervisedProcess, supervise } from './supervisor';

/** Time an app gets to drain after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 10_000;

export interface StackProcess {
  readonly planned: PlannedProcess;
  /** The running child; after a restart, the new one. */
  readonly child: ChildProcess;
  /** Port of the process's /metrics and /health. */
  readonly metricsPort: number;
  /** Times the stack restarted it after a crash. */
  readonly restarts: number;
}

export interface StackOptions {
  readonly repoRoot: string;
  readonly processes: readonly PlannedProcess[];
  /**
   * Postgres as its owner (migrated by the caller). Each app connects as its own role (ats_<app>, see
   * libs/db/src/roles), with the password from POSTGRES_PASSWORD_<APP> in `env` when the server asks for one.
   */
  readonly databaseUrl: string;
  /** Base environment of every app (default process.env); stack variables override it. */
  readonly env?: NodeJS.ProcessEnv;
  /** Extra variables per app name (e.g. the orchestrator's interval). */
  readonly appEnv?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Each output line of each process. */
  readonly onLine?: (name: string, line: string) => void;
  /** Called when a process exits. */
  readonly onExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
  /**
   * Restart crashed apps under this policy (`npm run stack` passes DEFAULT_RESTART_POLICY). Default: none, so a
   * test sees a crash as an exited child rather than a quietly replaced one.
   */
  readonly restart?: RestartPolicy;
  /** A crashed app will be started again: restart number `attempt`, after `delayMs`. */
  readonly onRestart?: (name: string, attempt: number, delayMs: number, exit: ExitReason) => void;
  /** An app is down for good: it exited cleanly, or crashed past its restart budget (`gaveUp`). */
  readonly onGone?: (name: string, exit: ExitReason, gaveUp: boolean) => void;
}

export interface RunningStack {
  /** The stack's own nats-server, with the generated per-service users and permissions. */
  readonly nats: AuthNats;
  readonly processes: readonly StackProcess[];
  /** What one more process of `app` needs: its own NATS user and password, Postgres, a metrics port. */
  envFor(app: string, metricsPort?: number): NodeJS.ProcessEnv;
  /** Starts one more process (a CLI, a replacement; not restarted) with `envFor(app)` plus `env`, logging through `onLine`. */
  spawnProcess(
    name: string,
    app: string,
    entry: string,
    args?: readonly string[],
    env?: Readonly<Record<string, string>>,
  ): StackProcess;
  /** SIGTERM to every process, SIGKILL after STOP_GRACE_MS, then NATS stops. */
  stop(): Promise<void>;
}

/**
 * Starts a private nats-server with ops/nats/auth.conf (credentials generated into ops/nats/credentials.env when
 * missing), then every planned app as its own process under ITS OWN NATS user: the permissions a deployment gets
 * are the ones the local stack runs with. Replicas share their app's SERVICE__NAME (as compose replicas do), so the
 * heartbeat subject stays within the user's allow list; the log prefix tells them apart.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const base = options.env ?? process.env;
  const databasePasswords = servicePasswordsFromEnv(base);
  // The roles follow the grants in libs/db even on a database migrated before they existed (owner URL only).
  await provisionServiceRoles({ databaseUrl: options.databaseUrl, passwords: databasePasswords });
  const nats = await startAuthNats({ passwords: ensureCredentials() });
  const processes: StackProcess[] = [];
  const supervised: SupervisedProcess[] = [];
  const policy = options.restart;

  const envFor = (app: string, metricsPort?: number): NodeJS.ProcessEnv => {
    const password = nats.passwords.get(app);
    if (!password) throw new RangeError(`no NATS user for ${app} in tools/nats-auth/topology.ts`);
    return {
      ...base,
      ...options.appEnv?.[app],
      SERVICE__NAME: app,
      NATS__URL: nats.url,
      NATS__USER: app,
      NATS__PASSWORD: password,
      DATABASE__URL: serviceDatabaseUrl(options.databaseUrl, app, databasePasswords.get(app)),
      ...(metricsPort === undefined ? {} : { SERVICE__METRICS_PORT: String(metricsPort) }),
    };
  };

  const launch = (name: string, entry: string, args: readonly string[], env: NodeJS.ProcessEnv) => {
    // As the product's commands run an app: its cached bundle (tools/build/run-bundled.mjs), not tsx compiling it
    // at every start; a supervised restart or a chaos kill brings the process back in a fraction of the time.
    const child = spawn(
      process.execPath,
      [join(options.repoRoot, 'tools/build/run-bundled.mjs'), entry, ...args],
      {
        cwd: options.repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => options.onLine?.(name, line));
    }
    child.on('exit', (code, signal) => options.onExit?.(name, code, signal));
    return child;
  };

  const gone = (name: string) => (code: number | null, signal: NodeJS.Signals | null) =>
    options.onGone?.(name, { code, signal }, false);
  const startSupervised = (planned: PlannedProcess, metricsPort: number): StackProcess => {
    const env = envFor(planned.app, metricsPort);
    const start = () => launch(planned.name, planned.entry, [], env);
    if (policy === undefined) {
      const child = start();
      child.once('exit', gone(planned.name));
      return { planned, child, metricsPort, restarts: 0 };
    }
    const supervisedProcess = supervise(start, policy, {
      onRestartScheduled: (attempt, delayMs, exit) =>
        options.onRestart?.(planned.name, attempt, delayMs, exit),
      onGaveUp: (_restarts, exit) => options.onGone?.(planned.name, exit, true),
      onCleanExit: (exit) => options.onGone?.(planned.name, exit, false),
    });
    supervised.push(supervisedProcess);
    return {
      planned,
      metricsPort,
      get child() {
        return supervisedProcess.child;
      },
      get restarts() {
        return supervisedProcess.restarts;
      },
    };
  };
  const stopAll = async () => {
    for (const each of supervised) each.release();
    await stopProcesses(processes);
  };

  try {
    for (const planned of options.processes) processes.push(startSupervised(planned, await freePort()));
  } catch (error) {
    await stopAll();
    await nats.stop();
    throw error;
  }

  return {
    nats,
    processes,
    envFor,
    spawnProcess(name, app, entry, args = [], env = {}) {
      const child = launch(name, entry, args, { ...envFor(app), ...env });
      const extra = {
        planned: { app, name, entry },
        child,
        metricsPort: Number(env.SERVICE__METRICS_PORT ?? 0),
        restarts: 0,
      };
      processes.push(extra);
      return extra;
    },
    async stop() {
      await stopAll();
      await nats.stop();
    },
  };
}

async function stopProcesses(processes: readonly StackProcess[]): Promise<void> {
  const running = processes.map((p) => p.child).filter((c) => c.exitCode === null && c.signalCode === null);
  const exits = running.map((c) => new Promise<void>((done) => c.once('exit', () => done())));
  for (const child of running) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of running)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, STOP_GRACE_MS);
  await Promise.all(exits);
  clearTimeout(timer);
}

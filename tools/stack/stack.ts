/**
 * The whole system on one machine: `npm run stack -- [--replicas technical-agent=2] [--skip api-gateway]`.
 * Makes Postgres available (the configured one, or a private cluster) and applies the migrations, starts the stack's
 * own nats-server with the generated per-service users (ops/nats/auth.conf; credentials generated when missing),
 * then every app as its own process under its own NATS user and its own Postgres role, each with /metrics and
 * /health on a free port. A crashed app is restarted with exponential backoff within a restart budget
 * (supervisor.ts), and the log says so. Ctrl-C sends SIGTERM to the apps, waits for them (SIGKILL after STOP_GRACE_MS), stops NATS, releases Postgres.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployMigrations } from '@ats/db';
import { up } from '@ats/tool-services';
import { parseStackArgs, planStack, StackUsageError } from './plan';
import { type RunningStack, startStack } from './runner';
import { DEFAULT_RESTART_POLICY, type ExitReason } from './supervisor';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PALETTE = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96];
const colourful = process.stdout.isTTY === true;

function prefixer(name: string, index: number, width: number): (line: string) => string {
  const label = name.padEnd(width);
  const colour = PALETTE[index % PALETTE.length];
  return colourful ? (line) => `\x1b[${colour}m${label} |\x1b[0m ${line}` : (line) => `${label} | ${line}`;
}

async function main(argv: string[]): Promise<number> {
  const args = parseStackArgs(argv);
  const plan = planStack(REPO_ROOT, args);
  for (const note of plan.notes) console.log(`stack | note: ${note}`);
  if (plan.processes.length === 0) {
    console.log('stack | nothing to start');
    return 0;
  }
  // Postgres as configured (or a private cluster); NATS is always the stack's own server with per-service users.
  const services = await up({ services: ['postgres'] });
  let stack: RunningStack | undefined;
  try {
    const databaseUrl = services.env.DATABASE__URL as string;
    console.log(`stack | Postgres ${services.postgres?.source}`);
    const { applied, serviceRoles } = await deployMigrations({ databaseUrl });
    console.log(`stack | migrations: ${applied.length ? applied.join(', ') : 'up to date'}`);
    console.log(
      serviceRoles?.provisioned
        ? `stack | Postgres roles: each app connects as its own (${serviceRoles.roles.join(', ')})`
        : `stack | Postgres roles not provisioned: ${serviceRoles?.provisioned === false ? serviceRoles.reason : 'unknown'}`,
    );
    const width = Math.max(...plan.processes.map((p) => p.name.length));
    const prefixes = new Map(plan.processes.map((p, i) => [p.name, prefixer(p.name, i, width)]));
    const print = (name: string, line: string) =>
      console.log((prefixes.get(name) ?? ((l: string) => `${name} | ${l}`))(line));
    let alive = plan.processes.length;
    let allExited: () => void = () => {};
    const everyAppGone = new Promise<void>((done) => {
      allExited = done;
    });
    const policy = DEFAULT_RESTART_POLICY;
    const ended = (exit: ExitReason) => exit.signal ?? `code ${exit.code}`;
    stack = await startStack({
      repoRoot: REPO_ROOT,
      processes: plan.processes,
      databaseUrl,
      onLine: print,
      onExit: (name, code, signal) => print(name, `exited (${ended({ code, signal })})`),
      restart: policy,
      onRestart: (name, attempt, delayMs, exit) =>
        print(
          name,
          `crashed (${ended(exit)}): restart ${attempt} of ${policy.maxRestarts} in ${delayMs} ms ` +
            `(budget per ${policy.windowMs / 60_000} min)`,
        ),
      onGone: (name, exit, gaveUp) => {
        if (gaveUp)
          print(
            name,
            `crashed (${ended(exit)}) past its restart budget (${policy.maxRestarts} per ` +
              `${policy.windowMs / 60_000} min): left down`,
          );
        if (--alive === 0) allExited();
      },
    });
    console.log(`stack | NATS ${stack.nats.url} (private, per-service users from ops/nats/auth.conf)`);
    for (const p of stack.processes)
      console.log(`stack | ${p.planned.name}: http://127.0.0.1:${p.metricsPort}/metrics and /health`);
    console.log(`stack | started ${stack.processes.length} process(es); Ctrl-C stops them`);
    await Promise.race([
      everyAppGone,
      new Promise<void>((done) => {
        const onSignal = () => {
          console.log('stack | stopping apps');
          done();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
      }),
    ]);
    return 0;
  } finally {
    await stack?.stop();
    await services.release();
    console.log('stack | services released');
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = error instanceof StackUsageError ? 2 : 1;
  },
);

/**
 * The whole system on one machine: `npm run stack -- [--replicas technical-agent=2] [--skip api-gateway]`.
 * Makes NATS and Postgres available (reusing configured servers, starting private ones otherwise), applies the
 * migrations, then starts every app as its own process with prefixed, coloured logs. Ctrl-C sends SIGTERM to the
 * apps, waits for them (SIGKILL after STOP_GRACE_MS), then releases the services (private ones stop).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { deployMigrations } from '@ats/db';
import { up } from '@ats/tool-services';
import { type PlannedProcess, parseStackArgs, planStack, StackUsageError } from './plan';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Time an app gets to drain after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;
const PALETTE = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95, 96];
const colourful = process.stdout.isTTY === true;

function prefixer(name: string, index: number, width: number): (line: string) => string {
  const label = name.padEnd(width);
  const colour = PALETTE[index % PALETTE.length];
  return colourful ? (line) => `\x1b[${colour}m${label} |\x1b[0m ${line}` : (line) => `${label} | ${line}`;
}

function start(proc: PlannedProcess, env: NodeJS.ProcessEnv, prefix: (line: string) => string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', proc.entry], {
    cwd: REPO_ROOT,
    env: { ...env, SERVICE__NAME: proc.name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => console.log(prefix(line)));
  }
  child.on('exit', (code, signal) => console.log(prefix(`exited (${signal ?? `code ${code}`})`)));
  return child;
}

async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exits = running.map((c) => new Promise<void>((done) => c.once('exit', () => done())));
  for (const child of running) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of running)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, STOP_GRACE_MS);
  await Promise.all(exits);
  clearTimeout(timer);
}

async function main(argv: string[]): Promise<number> {
  const args = parseStackArgs(argv);
  const plan = planStack(REPO_ROOT, args);
  for (const note of plan.notes) console.log(`stack | note: ${note}`);
  if (plan.processes.length === 0) {
    console.log('stack | nothing to start');
    return 0;
  }
  const services = await up();
  let stopping: Promise<void> | undefined;
  const children: ChildProcess[] = [];
  try {
    console.log(
      `stack | NATS ${services.nats?.url} (${services.nats?.source}), Postgres ${services.postgres?.source}`,
    );
    const databaseUrl = services.env.DATABASE__URL as string;
    const { applied } = await deployMigrations({ databaseUrl });
    console.log(`stack | migrations: ${applied.length ? applied.join(', ') : 'up to date'}`);
    const env = { ...process.env, ...services.env };
    const width = Math.max(...plan.processes.map((p) => p.name.length));
    for (const [i, proc] of plan.processes.entries())
      children.push(start(proc, env, prefixer(proc.name, i, width)));
    console.log(`stack | started ${children.length} process(es); Ctrl-C stops them`);
    await new Promise<void>((done) => {
      const onSignal = () => {
        console.log('stack | stopping apps');
        stopping ??= stopAll(children).then(done);
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      // Every app gone by itself (crashed or exited): nothing left to supervise.
      let alive = children.length;
      for (const child of children) child.once('exit', () => --alive === 0 && !stopping && done());
    });
    return 0;
  } finally {
    await (stopping ?? stopAll(children));
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

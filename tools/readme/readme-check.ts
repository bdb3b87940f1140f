import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from '../services/ports.ts';
import { ROOT } from './main-job-table.ts';
import { type CommandPlan, planFor, type ReadmeCommand, readmeCommands } from './readme-commands.ts';

/**
 * `npm run test:readme`: the README's commands, in the order written, in a fresh clone of the committed tree, with
 * NATS and Postgres pointed at ports where nothing answers so the project's own scripts must start private ones
 * (as on a machine that has neither). Each command must exit 0 (long-running ones: print their ready line, then
 * stop cleanly on Ctrl-C). Prints one line per command and exits 1 when any failed. `--keep` keeps the clone.
 */

const USAGE = `usage: npm run test:readme [-- --keep]
  Clones the committed tree next to this checkout, runs every README command in order against private
  NATS/Postgres, prints one line per command, exits 1 when one failed. --keep leaves the clone for inspection.`;

interface Step {
  readonly readme: ReadmeCommand;
  readonly plan: CommandPlan;
}

/** Generous per-command deadline: `npm ci` plus a first backtest on a loaded two-core machine. */
const STEP_TIMEOUT_S = Math.round(900 * Number(process.env.ATS_TEST_TIME_SCALE ?? 1));

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** One bash script for the whole README, so `eval "$(… env)"` carries its exports to the later commands. */
export function scriptFor(steps: readonly Step[], resultsFile: string, logDir: string): string {
  const lines = [
    'set -u',
    `results=${quote(resultsFile)}`,
    'record() { printf "%s\\t%s\\t%s\\n" "$1" "$2" "$3" >> "$results"; }',
    // until_ready <index> <pattern> <command>: start in its own process group, wait for the line, Ctrl-C, exit 0.
    'until_ready() {',
    `  local index=$1 pattern=$2 command=$3 log=${quote(logDir)}/step-$1.log deadline=$((SECONDS + ${STEP_TIMEOUT_S}))`,
    '  setsid bash -c "$command" > "$log" 2>&1 &',
    '  local pid=$!',
    '  until grep -Eq "$pattern" "$log"; do',
    '    if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; echo "exited before ready ($?)" >> "$log"; return 1; fi',
    '    if (( SECONDS > deadline )); then kill -TERM -- "-$pid"; wait "$pid"; echo "not ready in time" >> "$log"; return 1; fi',
    '    sleep 1',
    '  done',
    // Ctrl-C reaches the whole foreground group; npm reports a child stopped by SIGINT as 130.
    '  kill -INT -- "-$pid"',
    '  wait "$pid"; local code=$?',
    '  [[ $code == 0 || $code == 130 ]]',
    '}',
  ];
  steps.forEach((step, index) => {
    const { plan, readme } = step;
    const label = `${readme.line}\t${readme.command.replaceAll('\t', ' ')}`;
    lines.push(`echo ${quote(`[readme] line ${readme.line}: ${readme.command}`)} >&2`);
    if (plan.kind === 'skip') {
      lines.push(`record skip ${quote(label)} ${quote(plan.reason)}`);
      return;
    }
    const log = `${logDir}/step-${index}.log`;
    const started = `started_${index}=$SECONDS`;
    const elapsed = `$((SECONDS - started_${index}))s`;
    if (plan.kind === 'until-ready') {
      lines.push(started);
      lines.push(
        `if until_ready ${index} ${quote(plan.readyPattern)} ${quote(plan.command)}; then record ok ${quote(label)} "${elapsed}"; else record FAIL ${quote(label)} "${elapsed}: see ${log}"; fi`,
      );
      return;
    }
    // `eval` must run in this shell (it exports); everything else under a deadline, output kept per step.
    const body = plan.command.startsWith('eval ')
      ? `${plan.command} 2> ${quote(log)}`
      : `timeout ${STEP_TIMEOUT_S} bash -c ${quote(plan.command)} > ${quote(log)} 2>&1`;
    const then = plan.then === undefined ? '' : ` && ${plan.then} >> ${quote(log)} 2>&1`;
    lines.push(started);
    lines.push(
      `if ${body}${then}; then record ok ${quote(label)} "${elapsed}"; else record FAIL ${quote(label)} "${elapsed}: exit $?, see ${log}"; fi`,
    );
  });
  return `${lines.join('\n')}\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const unknown = argv.find((a) => a !== '--keep');
  if (unknown !== undefined) {
    process.stderr.write(`test:readme: unknown option '${unknown}' (--help for usage)\n`);
    return 2;
  }
  const readme = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  const unplanned = readme.filter((c) => planFor(c.command) === undefined);
  if (unplanned.length > 0) {
    for (const c of unplanned)
      process.stderr.write(`README line ${c.line}: no documentation-check policy for \`${c.command}\`\n`);
    return 1;
  }
  const steps = readme.map((c) => ({ readme: c, plan: planFor(c.command) as CommandPlan }));

  // The clone sits beside the checkout, so its `../shared/data` is the data folder the checkout sees.
  const clone = join(dirname(ROOT), `.readme-check-${process.pid}`);
  const work = mkdtempSync(join(tmpdir(), 'ats-readme-check-'));
  const logs = join(work, 'logs');
  mkdirSync(logs, { recursive: true });
  const results = join(work, 'results.tsv');
  writeFileSync(results, '');
  const script = join(work, 'readme.sh');
  writeFileSync(script, scriptFor(steps, results, logs));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (/^(NATS|DATABASE|DATA|LLM|TRADING|ORCHESTRATOR)__/.test(key)) delete env[key];
  // Ports free a moment ago: nothing of ours listens there, so the README's commands must start private servers.
  env.NATS__URL = `nats://127.0.0.1:${await freePort()}`;
  env.DATABASE__URL = `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`;
  env.ATS_SERVICES_DIR = join(work, 'services');
  const started = Date.now();
  try {
    await exec('git', ['clone', '--quiet', ROOT, clone], dirname(ROOT), env);
    process.stderr.write(
      `[readme] clone of ${ROOT} at ${clone}; private services under ${env.ATS_SERVICES_DIR}\n`,
    );
    await exec('bash', [script], clone, env);
  } finally {
    // Whatever the README left running (a failed step may skip `services down`).
    await exec('npx', ['tsx', join(clone, 'tools/services/cli.ts'), 'down'], clone, env).catch(
      () => undefined,
    );
  }
  const rows = readFileSync(results, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((r) => r.split('\t'));
  let failed = 0;
  for (const [result, line, command, note] of rows) {
    if (result === 'FAIL') failed++;
    process.stdout.write(
      `${(result ?? '').padEnd(4)}  line ${(line ?? '').padStart(3)}  ${command}  (${note})\n`,
    );
  }
  const missing = steps.length - rows.length;
  process.stdout.write(
    `${rows.length - failed - rows.filter((r) => r[0] === 'skip').length} ok, ${failed} failed, ` +
      `${rows.filter((r) => r[0] === 'skip').length} skipped${missing > 0 ? `, ${missing} not reached` : ''} ` +
      `in ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  if (failed === 0 && missing === 0 && !argv.includes('--keep'))
    rmSync(work, { recursive: true, force: true });
  else process.stdout.write(`logs: ${logs}\n`);
  return failed === 0 && missing === 0 ? 0 : 1;
}

function exec(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} exited ${code}`))));
  });
}

if (process.argv[1]?.endsWith('readme-check.ts')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`test:readme: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

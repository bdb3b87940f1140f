/**
 * The README's commands, in the order a reader meets them, and what the documentation check does with each.
 * Commands are the code lines of ```bash blocks and the inline code spans that start with `npm`, `npx` or `eval`.
 * In one table cell, a bare span after a command replaces that command's last word
 * (`npm run services -- up` / `status` / `down` is three commands).
 */

export interface ReadmeCommand {
  readonly command: string;
  /** 1-based README line. */
  readonly line: number;
}

export type CommandPlan =
  | { readonly kind: 'run'; readonly command: string; readonly then?: string }
  /** Runs until `readyLine` is printed, then gets SIGINT and must exit with code 0. */
  | { readonly kind: 'until-ready'; readonly command: string; readonly readyPattern: string }
  | { readonly kind: 'skip'; readonly reason: string };

interface Policy {
  readonly pattern: RegExp;
  readonly plan: (command: string) => CommandPlan;
}

const run = (then?: string) => (command: string) =>
  then === undefined ? { kind: 'run' as const, command } : { kind: 'run' as const, command, then };
const skip = (reason: string) => () => ({ kind: 'skip' as const, reason });

/**
 * Every README command needs a policy: a new command without one fails the check, so nothing documented goes
 * untried by accident. Skips say why (the suite itself, or a Docker engine this check does not require).
 */
const POLICIES: readonly Policy[] = [
  { pattern: /^npm ci && npm test$/, plan: skip('the test suite itself: CI runs it on every change') },
  { pattern: /npm test$/, plan: skip('the test suite itself under other conditions: CI runs the suite') },
  { pattern: /^npm run test:readme$/, plan: skip('this documentation check itself') },
  { pattern: /^npm run test:under-load$/, plan: skip('the test suite under stress-ng: CI runs the suite') },
  { pattern: /^npm run (compose|test:docker)\b/, plan: skip('needs a Docker engine: `npm run test:docker`') },
  {
    pattern: /^npm run stack\b/,
    plan: (command) => ({ kind: 'until-ready', command, readyPattern: 'stack \\| started [0-9]+ process' }),
  },
  { pattern: /^npm run readme:table$/, plan: run('git diff --exit-code -- README.md') },
  {
    pattern: /^npx nx graph$/,
    plan: (command) => ({ kind: 'run', command: `${command} --file=nx-graph.json` }),
  },
  { pattern: /^(npm ci && )?npx nx run [a-z-]+:[a-z-]+\b/, plan: run() },
  {
    pattern: /^npm run (backtest|services|db:[a-z]+|bench:[a-z]+|eval:sentiment|analyze|orchestrate)\b/,
    plan: run(),
  },
  { pattern: /^eval "\$\(npm run -s services -- env\)"$/, plan: run() },
  { pattern: /^npx nx show projects$/, plan: run() },
];

export function planFor(command: string): CommandPlan | undefined {
  return POLICIES.find((p) => p.pattern.test(command))?.plan(command);
}

const COMMAND_START = /^(npm|npx|eval)\s/;

export function readmeCommands(readme: string): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  const seen = new Set<string>();
  const add = (command: string, line: number) => {
    if (seen.has(command)) return;
    seen.add(command);
    out.push({ command, line });
  };
  let inBash = false;
  readme.split('\n').forEach((text, index) => {
    const line = index + 1;
    if (/^```/.test(text)) {
      inBash = !inBash && /^```(bash|sh)\s*$/.test(text);
      return;
    }
    if (inBash) {
      const code = text.replace(/\s+#.*$/, '').trim();
      if (COMMAND_START.test(code)) add(code, line);
      return;
    }
    // Table cells (or a prose line): spans in order; a bare span extends the previous command of its cell.
    for (const cell of text.split(/(?<!\\)\|/)) {
      let previous: string | undefined;
      for (const match of cell.matchAll(/`([^`]+)`/g)) {
        const span = (match[1] as string).trim();
        if (COMMAND_START.test(span)) {
          previous = span;
          add(span, line);
        } else if (
          previous !== undefined &&
          /^[a-z][a-z:-]*$/.test(span) &&
          cell.includes(`\` / \`${span}\``)
        ) {
          const words = previous.split(' ');
          words[words.length - 1] = span;
          add(words.join(' '), line);
        }
      }
    }
  });
  return out;
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RequestReplyContracts, Streams, Subjects } from '@ats/contracts';
import { sourceFilesUnder } from '../checks/source-files';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A source file the scan reads instead of the disk (tests plant one). */
export interface PlantedFile {
  /** Repository-relative path, e.g. `apps/technical-agent/src/planted.ts`. */
  readonly path: string;
  readonly text: string;
}

/** What one service's code names on the bus: subject patterns (`*` for builder arguments) and stream names. */
export interface CodeUsage {
  /** Pattern → repository-relative files that name it. */
  readonly subjects: ReadonlyMap<string, readonly string[]>;
  /** Stream name → files that name it. */
  readonly streams: ReadonlyMap<string, readonly string[]>;
}

/** `dlq.<subject>`: the bus's own dead-letter subjects, granted mechanically from what a service receives. */
const DERIVED_SUBJECT_KEYS = new Set(['deadLetter']);
/**
 * Where subjects are defined (contracts) or checked against their contracts (the bus), not used: a name there says
 * nothing about what a service does.
 */
const DEFINING_LIBS = ['libs/contracts/', 'libs/bus/'];
const SOURCE = /\.(ts|mts)$/;
const NOT_SOURCE = /(\.test\.ts|\.d\.ts)$/;

/** The pattern a `Subjects.<key>` stands for: a builder's arguments become `*` (one token each). */
function subjectPattern(key: string): string | undefined {
  const value = (Subjects as Record<string, unknown>)[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'function')
    return (value as (...a: string[]) => string)(...Array(value.length).fill('*'));
  return undefined;
}

interface ImportClause {
  readonly specifier: string;
  /** Value names imported (`import { a, b as c }` → a, b); `'*'` for a namespace, default or side-effect import. */
  readonly names: readonly string[];
  /** `export { a as b } from`: re-exported name → original name. */
  readonly reexports?: ReadonlyMap<string, string>;
  readonly star?: boolean;
}

const IMPORT_OR_EXPORT_FROM = /(?:^|[\n;])\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*['"]([^'"]+)['"]/g;
const SIDE_EFFECT_OR_DYNAMIC = /(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Value imports and re-exports of a file: type-only ones carry no subject and are skipped. */
function importsOf(text: string): ImportClause[] {
  const clauses: ImportClause[] = [];
  for (const m of text.matchAll(IMPORT_OR_EXPORT_FROM)) {
    const [, keyword, typeOnly, clause = '', specifier = ''] = m;
    if (typeOnly) continue;
    const braces = /\{([^}]*)\}/.exec(clause);
    const named = (braces?.[1] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && !s.startsWith('type '));
    if (keyword === 'export') {
      if (clause.trim().startsWith('*')) clauses.push({ specifier, names: [], star: true });
      else {
        const reexports = new Map(
          named.map((s) => {
            const [original = s, alias = original] = s.split(/\s+as\s+/);
            return [alias, original] as const;
          }),
        );
        clauses.push({ specifier, names: [], reexports });
      }
      continue;
    }
    const names = named.map((s) => s.split(/\s+as\s+/)[0] as string);
    const whole = clause
      .replace(/\{[^}]*\}/, '')
      .replace(/,/g, '')
      .trim();
    clauses.push({ specifier, names: whole ? ['*'] : names });
  }
  for (const m of text.matchAll(SIDE_EFFECT_OR_DYNAMIC))
    clauses.push({ specifier: m[1] ?? m[2] ?? '', names: ['*'] });
  return clauses;
}

function resolveModule(fromFile: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith('.')) base = resolve(dirname(fromFile), specifier);
  else if (specifier.startsWith('@ats/'))
    return join(REPO_ROOT, 'libs', specifier.slice(5), 'src', 'index.ts');
  else return undefined;
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')])
    if (SOURCE.test(candidate) && existsSync(candidate)) return candidate;
  return undefined;
}

const sourceFiles = (dir: string) =>
  sourceFilesUnder(dir, {
    isSource: (name) => SOURCE.test(name) && !NOT_SOURCE.test(name),
    skipFolders: new Set(['test', 'node_modules']),
  });

/**
 * The subjects and streams a service's code names: every file of `apps/<service>/src` (tests aside), then what
 * they import, followed through the libraries' `index.ts` re-exports to the file that defines each imported value
 * (type-only imports are skipped). A file that is reached counts whole: the scan reads names (`Subjects.<key>`,
 * `Streams.<key>`, `RequestReplyContracts.<key>`), not data flow.
 */
export function codeUsage(service: string, planted: readonly PlantedFile[] = []): CodeUsage {
  const plantedText = new Map(planted.map((f) => [join(REPO_ROOT, f.path), f.text]));
  const read = (file: string) => plantedText.get(file) ?? readFileSync(file, 'utf8');
  const appDir = join(REPO_ROOT, 'apps', service, 'src');
  const roots = [...sourceFiles(appDir), ...[...plantedText.keys()].filter((f) => f.startsWith(appDir))];
  const included = new Set<string>();
  const visitedNames = new Set<string>();
  const queue: string[] = [...roots];

  /** Finds where `name` exported by `file` is defined, following re-exports; includes that file. */
  const includeName = (file: string, name: string) => {
    const key = `${file}#${name}`;
    if (visitedNames.has(key)) return;
    visitedNames.add(key);
    const clauses = importsOf(read(file));
    for (const clause of clauses) {
      const original = clause.reexports?.get(name);
      if (original === undefined) continue;
      const target = resolveModule(file, clause.specifier);
      if (target) includeName(target, original);
      return;
    }
    const definedHere = new RegExp(
      `export\\s+(?:declare\\s+)?(?:async\\s+)?(?:const|let|function\\*?|class|enum)\\s+${name}\\b`,
    );
    if (definedHere.test(read(file))) {
      queue.push(file);
      return;
    }
    for (const clause of clauses.filter((c) => c.star)) {
      const target = resolveModule(file, clause.specifier);
      if (target) includeName(target, name);
    }
  };

  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (included.has(file)) continue;
    included.add(file);
    for (const clause of importsOf(read(file))) {
      if (clause.reexports || clause.star) continue; // a barrel's re-exports count only when imported by name
      const target = resolveModule(file, clause.specifier);
      if (!target) continue;
      if (clause.names.includes('*')) queue.push(target);
      else for (const name of clause.names) includeName(target, name);
    }
  }

  const subjects = new Map<string, string[]>();
  const streams = new Map<string, string[]>();
  const note = (map: Map<string, string[]>, key: string, file: string) => {
    const files = map.get(key) ?? [];
    if (!files.includes(file)) files.push(file);
    map.set(key, files);
  };
  for (const file of included) {
    const where = relative(REPO_ROOT, file);
    if (DEFINING_LIBS.some((lib) => where.startsWith(lib))) continue;
    const text = read(file);
    for (const [, key = ''] of text.matchAll(/\bSubjects\.(\w+)/g)) {
      const pattern = DERIVED_SUBJECT_KEYS.has(key) ? undefined : subjectPattern(key);
      if (pattern) note(subjects, pattern, where);
    }
    for (const [, key = ''] of text.matchAll(/\bRequestReplyContracts\.(\w+)/g)) {
      const contract = (RequestReplyContracts as Record<string, { subject: string } | undefined>)[key];
      if (contract) note(subjects, contract.subject, where);
    }
    for (const [, key = ''] of text.matchAll(/\bStreams\.(\w+)/g)) {
      const stream = (Streams as Record<string, { name: string } | undefined>)[key];
      if (stream) note(streams, stream.name, where);
    }
  }
  return { subjects, streams };
}

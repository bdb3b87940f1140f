import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RequestReplyContract, RequestReplyContracts, requestReplyContractOf } from '@ats/contracts';
import ts from 'typescript';
import { sourceFilesUnder } from './source-files';

/**
 * Requester and responder of one subject use one request and one reply type: those of the subject's row in
 * RequestReplyContracts (libs/contracts). This check reads every `bus.request(subject, Req, Res, …)` and
 * `bus.serve(subject, Req, Res, …)` in apps/* and libs/* sources with the TypeScript checker, takes the message
 * names from the types (defineMessage keeps them literal) and fails on a pair the table does not have. The bus
 * refuses the same mismatch at run time; this finds it before anything runs.
 */

export type ExchangeRole = 'request' | 'serve';

export interface ExchangeCall {
  readonly file: string;
  readonly line: number;
  readonly role: ExchangeRole;
  /** The subject when its type is a string literal (`Subjects.historyRequest`), else undefined (built at run time). */
  readonly subject: string | undefined;
  /** Message names when the types say them; undefined inside generic helpers (checked at their callers). */
  readonly request: string | undefined;
  readonly reply: string | undefined;
}

export interface ExchangeProblem {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** Declarations of the Bus methods: a call resolving to one of these is a request/reply exchange. */
const BUS_DECLARATION_FILES = [
  `libs${sep}bus${sep}src${sep}bus.ts`,
  `libs${sep}bus${sep}src${sep}typed-bus.ts`,
];

/**
 * Request helpers that take a RequestReplyContracts row instead of two message types:
 * `askService(bus, subject, contract, payload, options)` (the API gateway's routes). Their bus.request call is
 * generic, so each caller is read as the request, with the row's types.
 */
const ROW_REQUEST_HELPERS = [
  { name: 'askService', file: `apps${sep}api-gateway${sep}src${sep}bus-exchange.ts` },
];

/** The message name of a row's `request` or `reply` property, from its type. */
function rowMessageName(
  checker: ts.TypeChecker,
  row: ts.Expression,
  side: 'request' | 'reply',
): string | undefined {
  const property = checker.getTypeAtLocation(row).getProperty(side);
  if (!property) return undefined;
  const name = checker.getTypeOfSymbolAtLocation(property, row).getProperty('name');
  if (!name) return undefined;
  const nameType = checker.getTypeOfSymbolAtLocation(name, row);
  return nameType.isStringLiteral() ? nameType.value : undefined;
}

function literalName(checker: ts.TypeChecker, node: ts.Expression): string | undefined {
  const type = checker.getTypeAtLocation(node);
  const name = type.getProperty('name');
  if (!name) return undefined;
  const nameType = checker.getTypeOfSymbolAtLocation(name, node);
  return nameType.isStringLiteral() ? nameType.value : undefined;
}

function literalString(checker: ts.TypeChecker, node: ts.Expression): string | undefined {
  const type = checker.getTypeAtLocation(node);
  return type.isStringLiteral() ? type.value : undefined;
}

/** Every Bus `request`/`serve` call in `program`'s source files under `root` (declaration files excluded). */
export function collectExchangeCalls(program: ts.Program, root: string): ExchangeCall[] {
  const checker = program.getTypeChecker();
  const calls: ExchangeCall[] = [];
  for (const source of program.getSourceFiles()) {
    if (source.isDeclarationFile || source.fileName.includes(`${sep}node_modules${sep}`)) continue;
    if (relative(root, source.fileName).startsWith('..')) continue;
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        (node.expression.name.text === 'request' || node.expression.name.text === 'serve') &&
        node.arguments.length >= 4
      ) {
        const declaration = checker.getResolvedSignature(node)?.getDeclaration();
        const declaredIn = declaration?.getSourceFile().fileName.split('/').join(sep);
        if (declaredIn && BUS_DECLARATION_FILES.some((f) => declaredIn.endsWith(f))) {
          const [subject, request, reply] = node.arguments as unknown as [
            ts.Expression,
            ts.Expression,
            ts.Expression,
          ];
          calls.push({
            file: relative(root, source.fileName),
            line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
            role: node.expression.name.text as ExchangeRole,
            subject: literalString(checker, subject),
            request: literalName(checker, request),
            reply: literalName(checker, reply),
          });
        }
      }
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.arguments.length >= 4) {
        const helper = ROW_REQUEST_HELPERS.find((h) => h.name === (node.expression as ts.Identifier).text);
        const declaredIn = checker
          .getResolvedSignature(node)
          ?.getDeclaration()
          ?.getSourceFile()
          .fileName.split('/')
          .join(sep);
        if (helper && declaredIn?.endsWith(helper.file)) {
          const [, subject, row] = node.arguments as unknown as [ts.Expression, ts.Expression, ts.Expression];
          calls.push({
            file: relative(root, source.fileName),
            line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
            role: 'request',
            subject: literalString(checker, subject),
            request: rowMessageName(checker, row, 'request'),
            reply: rowMessageName(checker, row, 'reply'),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

/**
 * What is wrong with `calls` against `table`: a request type outside the table, a reply other than its row's,
 * or (when the subject is known) another pair than the subject's row. Two sides that both match the table
 * necessarily match each other.
 */
export function checkExchangeCalls(
  calls: readonly ExchangeCall[],
  table: readonly RequestReplyContract[] = Object.values(RequestReplyContracts),
  contractOf: (subject: string) => RequestReplyContract | undefined = requestReplyContractOf,
): ExchangeProblem[] {
  const problems: ExchangeProblem[] = [];
  for (const call of calls) {
    const at = { file: call.file, line: call.line };
    const side = call.role === 'request' ? 'requester' : 'responder';
    const bySubject = call.subject === undefined ? undefined : contractOf(call.subject);
    if (bySubject && (call.request !== undefined || call.reply !== undefined)) {
      if (call.request !== bySubject.request.name || call.reply !== bySubject.reply.name)
        problems.push({
          ...at,
          reason: `${side} of ${bySubject.subject} uses ${call.request} -> ${call.reply}; RequestReplyContracts has ${bySubject.request.name} -> ${bySubject.reply.name}`,
        });
      continue;
    }
    if (call.request === undefined) continue;
    const rows = table.filter((row) => row.request.name === call.request);
    if (rows.length === 0) {
      problems.push({
        ...at,
        reason: `${side} sends ${call.request}, which is the request of no subject in RequestReplyContracts`,
      });
      continue;
    }
    if (call.reply !== undefined && rows.every((row) => row.reply.name !== call.reply))
      problems.push({
        ...at,
        reason: `${side} pairs ${call.request} with ${call.reply}; RequestReplyContracts answers it with ${rows[0]?.reply.name} (${rows.map((r) => r.subject).join(', ')})`,
      });
  }
  return problems;
}

const sourcesUnder = (dir: string) =>
  sourceFilesUnder(dir, {
    isSource: (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'),
    skipFolders: new Set(['node_modules']),
  });

/** A program over `files` with the repository's compiler options (its `@ats/*` paths). */
export function exchangeProgram(repoRoot: string, files: readonly string[]): ts.Program {
  const configPath = join(repoRoot, 'tsconfig.base.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot);
  return ts.createProgram({ rootNames: [...files], options: { ...options, noEmit: true } });
}

/** The production sources: `apps/<app>/src` and `libs/<lib>/src`, tests excluded. */
export function productionSources(repoRoot: string): string[] {
  const files: string[] = [];
  for (const group of ['apps', 'libs']) {
    for (const project of readdirSync(join(repoRoot, group), { withFileTypes: true })) {
      if (!project.isDirectory()) continue;
      const src = join(repoRoot, group, project.name, 'src');
      if (existsSync(src)) files.push(...sourcesUnder(src).filter((f) => !/\.(test|spec)\.ts$/.test(f)));
    }
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const calls = collectExchangeCalls(exchangeProgram(root, productionSources(root)), root);
  const problems = checkExchangeCalls(calls);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.reason}`);
  const typed = calls.filter((c) => c.request !== undefined).length;
  console.log(
    `request-reply: ${calls.length} bus request/serve call(s), ${typed} with named types, ${problems.length} problem(s)`,
  );
  if (problems.length > 0) process.exit(1);
}

/**
 * The grants of each service role (src/roles/service-grants.ts) against the Prisma calls in its code: a call on a
 * table its role may not touch fails here, before it fails in production with "permission denied", and so does
 * a grant that no code uses. Every file in apps/ and libs/ that calls Prisma must belong to a service below.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICE_GRANTS, type TablePrivilege } from '../src/index';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const SCHEMA = readFileSync(join(REPO_ROOT, 'libs/db/prisma/schema.prisma'), 'utf8');

/** The files through which each service reaches Postgres (the libs it wires, and its own folder). */
/** Decision rows are inserted with one raw statement (ADR 0026) by the agents' sink and the orchestrator. */
const DECISION_ROWS = 'libs/db/src/decision-rows.ts';
const AGENT_CODE = [
  'libs/agent-rpc/src/prisma-decision-sink.ts',
  DECISION_ROWS,
  'libs/llm/src/cache/prisma-cache-store.ts',
];
const CODE_OF: Readonly<Record<string, readonly string[]>> = {
  'data-gateway': ['apps/data-gateway/src', 'libs/market-data/src/prisma-stores.ts'],
  'technical-agent': AGENT_CODE,
  'sentiment-agent': AGENT_CODE,
  'risk-manager': AGENT_CODE,
  'portfolio-manager': AGENT_CODE,
  orchestrator: ['apps/orchestrator/src', 'libs/trading-state/src/prisma-trading-store.ts', DECISION_ROWS],
  'api-gateway': ['apps/api-gateway/src'],
  backtester: [
    'apps/backtester/src',
    'libs/llm/src/cache/prisma-cache-store.ts',
    'libs/llm/src/team-reasoners.ts',
    // The per-day LLM budget sums the day's answer costs from the cache table.
    'libs/llm/src/budget/daily-llm-spend.ts',
  ],
};

const OPERATION_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  findUnique: ['SELECT'],
  findUniqueOrThrow: ['SELECT'],
  findFirst: ['SELECT'],
  findFirstOrThrow: ['SELECT'],
  findMany: ['SELECT'],
  count: ['SELECT'],
  aggregate: ['SELECT'],
  groupBy: ['SELECT'],
  create: ['SELECT', 'INSERT'],
  createMany: ['INSERT'],
  createManyAndReturn: ['SELECT', 'INSERT'],
  update: ['SELECT', 'UPDATE'],
  updateMany: ['SELECT', 'UPDATE'],
  upsert: ['SELECT', 'INSERT', 'UPDATE'],
  delete: ['SELECT', 'DELETE'],
  deleteMany: ['SELECT', 'DELETE'],
};

/** model (camel case, as on the client) -> table, and relation field -> table, from schema.prisma. */
function schemaMaps() {
  const modelTable = new Map<string, string>();
  const relationTable = new Map<string, string>();
  const tableOfModel = new Map<string, string>();
  for (const [, model, body] of SCHEMA.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const table = /@@map\("(\w+)"\)/.exec(body as string)?.[1] ?? (model as string);
    tableOfModel.set(model as string, table);
    modelTable.set((model as string).charAt(0).toLowerCase() + (model as string).slice(1), table);
  }
  for (const [, , body] of SCHEMA.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm))
    for (const [, field, type] of (body as string).matchAll(/^\s+(\w+)\s+(\w+)(\[\]|\?)?(\s|$)/gm))
      if (tableOfModel.has(type as string))
        relationTable.set(field as string, tableOfModel.get(type as string)!);
  return { modelTable, relationTable };
}

function filesUnder(path: string): string[] {
  const full = join(REPO_ROOT, path);
  if (path.endsWith('.ts')) return [full];
  return readdirSync(full, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .filter((e) => !/\/(node_modules|dist)(\/|$)/.test(e.parentPath))
    .map((e) => join(e.parentPath, e.name));
}

/** The text between the parenthesis at `open` and its match: a call's arguments. */
function argumentsAt(code: string, open: number): string {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return code.slice(open + 1, i);
  }
  return code.slice(open + 1);
}

/** `table|PRIVILEGE` for what the code in `files` does through Prisma. */
function privilegesUsedBy(files: readonly string[]): Set<string> {
  const { modelTable, relationTable } = schemaMaps();
  const models = [...modelTable.keys()].join('|');
  const call = new RegExp(`\\.\\s*(${models})\\s*\\.\\s*(\\w+)\\s*\\(`, 'g');
  const tables = new Set(modelTable.values());
  const used = new Set<string>();
  for (const file of files) {
    const code = readFileSync(file, 'utf8');
    for (const match of code.matchAll(call)) {
      const [text, model, operation] = match;
      for (const privilege of OPERATION_PRIVILEGES[operation as string] ?? [])
        used.add(`${modelTable.get(model as string)}|${privilege}`);
      // In the call's arguments, nested writes (`portfolio: { create: ... }`) insert into the related table;
      // includes, selects and relation filters (`include: { fills: true }`, `where: { order: { runId } }`) read it.
      const args = argumentsAt(code, (match.index ?? 0) + text.length - 1);
      for (const [, field, nested] of args.matchAll(/\b(\w+):\s*(\{\s*create\b)?/g)) {
        const table = relationTable.get(field as string);
        if (!table) continue;
        used.add(`${table}|SELECT`);
        if (nested) used.add(`${table}|INSERT`);
      }
    }
    // Raw statements ($executeRaw, $queryRaw) name their tables.
    if (/\$(execute|query)Raw/.test(code))
      for (const [, verb, table] of code.matchAll(/\b(INSERT INTO|DELETE FROM|UPDATE)\s+"?(\w+)"?/g))
        if (tables.has(table as string)) used.add(`${table}|${(verb as string).split(' ')[0]}`);
  }
  return used;
}

type Grants = (typeof SERVICE_GRANTS)[string];

const granted = (grants: Grants) =>
  new Set(Object.entries(grants).flatMap(([table, privileges]) => privileges.map((p) => `${table}|${p}`)));

/** What the code does that its grants do not allow, and what its grants allow that the code never does. */
function compare(files: readonly string[], grants: Grants) {
  const used = privilegesUsedBy(files);
  const allowed = granted(grants);
  return {
    ungranted: [...used].filter((p) => !allowed.has(p)).sort(),
    // SELECT rides along with writes (Prisma reads rows back), so only unused writes and tables count.
    unusedWrites: [...allowed].filter((p) => !p.endsWith('|SELECT') && !used.has(p)).sort(),
    unusedTables: Object.keys(grants).filter((table) => ![...used].some((p) => p.startsWith(`${table}|`))),
  };
}

const CLEAN = { ungranted: [], unusedWrites: [], unusedTables: [] };

describe('service grants against the code', () => {
  it('cover every file in apps/ and libs/ that calls Prisma', () => {
    const { modelTable } = schemaMaps();
    const call = new RegExp(
      `\\.\\s*(${[...modelTable.keys()].join('|')})\\s*\\.\\s*(${Object.keys(OPERATION_PRIVILEGES).join('|')})\\s*\\(`,
    );
    const callers = ['apps', 'libs']
      .flatMap((root) => filesUnder(root))
      .filter(
        (file) => !file.includes('/test/') && !file.includes('/generated/') && !file.includes('/libs/db/'),
      )
      .filter((file) => call.test(readFileSync(file, 'utf8')))
      .map((file) => relative(REPO_ROOT, file));
    const assigned = new Set(
      Object.values(CODE_OF)
        .flatMap((paths) => paths.flatMap(filesUnder))
        .map((f) => relative(REPO_ROOT, f)),
    );
    expect(callers.length).toBeGreaterThan(5);
    expect(callers.filter((file) => !assigned.has(file))).toEqual([]);
  });

  for (const [service, paths] of Object.entries(CODE_OF)) {
    it(`${service}: every Prisma call is granted, and every grant is used`, () => {
      expect(compare(paths.flatMap(filesUnder), SERVICE_GRANTS[service] ?? {})).toEqual(CLEAN);
    });
  }

  it('fails on a planted call or raw statement the role may not make, and on a planted grant no code uses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ats-grants-'));
    try {
      const planted = join(dir, 'planted.ts');
      writeFileSync(
        planted,
        "await this.prisma.apiKey.create({ data: { name: 'x', prefix: 'x', hash: 'x', scopes: ['admin'] } });\n",
      );
      const agent = SERVICE_GRANTS['technical-agent'] ?? {};
      expect(compare([...AGENT_CODE.flatMap(filesUnder), planted], agent).ungranted).toEqual([
        'api_keys|INSERT',
        'api_keys|SELECT',
      ]);
      const plantedRaw = join(dir, 'planted-raw.ts');
      writeFileSync(
        plantedRaw,
        'await tx.$executeRaw`INSERT INTO api_keys (name) SELECT * FROM unnest($1::text[])`;\n',
      );
      expect(compare([...AGENT_CODE.flatMap(filesUnder), plantedRaw], agent).ungranted).toEqual([
        'api_keys|INSERT',
      ]);
      expect(compare(AGENT_CODE.flatMap(filesUnder), { ...agent, bars: ['SELECT', 'INSERT'] })).toEqual({
        ...CLEAN,
        unusedWrites: ['bars|INSERT'],
        unusedTables: ['bars'],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

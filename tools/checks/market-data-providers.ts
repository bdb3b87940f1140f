import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { isTypeScriptSource, sourceFilesUnder } from './source-files';

/**
 * Every trading path reads market data through one port (`openMarketDataPort` of @ats/market-data), so DATA__MODE
 * decides where data comes from and the providers, failover and caches are built in one place. Only the market-data
 * and evidence libs and the data gateway (`apps/data-gateway/src`) may construct providers, bar stores or evidence
 * sources; this check fails on any other file under `apps/<app>/src` that does.
 */
export interface ProviderConstruction {
  readonly file: string;
  readonly line: number;
  /** What was constructed or called, as written (`new LocalCsvProvider`, `dailyBarSource(`). */
  readonly construct: string;
}

/** Packages whose providers and stores apps must not build themselves. */
const PROVIDER_PACKAGES = new Set(['@ats/market-data', '@ats/evidence']);
/** The app that owns the providers. */
const GATEWAY_SOURCE = join('apps', 'data-gateway', 'src');

/** Classes named here, or any class of those packages ending in Provider/Store/Source/MarketData, is a provider. */
const PROVIDER_CLASSES = new Set([
  'LocalCsvProvider',
  'YahooChartProvider',
  'AlphaVantageProvider',
  'TwelveDataProvider',
  'DailyBarStore',
  'FailoverMarketData',
  'CachedMarketData',
  'InProcessMarketData',
  'DataGatewayClient',
  'PrismaBarStore',
  'NatsKvCache',
]);
const PROVIDER_CLASS_NAME = /(Provider|Store|Source|MarketData)$/;
/** Factories that build providers, stores, chains or evidence sources. */
const PROVIDER_FACTORIES = new Set([
  'dailyBarSource',
  'downloadProviders',
  'buildProviders',
  'inProcessMarketData',
  'createMarketDataChain',
  'buildMarketDataChain',
  'evidenceSourceFromConfig',
]);
const PROVIDER_FACTORY_NAME = /^(create|build)\w*(Provider|Providers|Source|Chain|Store)$|SourceFromConfig$/;

/** Names bound by `import { A as B }` / `import * as ns` from the provider packages, by local name. */
interface ProviderImports {
  /** Local name → exported name. */
  readonly named: Map<string, string>;
  readonly namespaces: Set<string>;
}

function providerImports(source: ts.SourceFile): ProviderImports {
  const named = new Map<string, string>();
  const namespaces = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!PROVIDER_PACKAGES.has(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else
      for (const element of bindings.elements)
        named.set(element.name.text, (element.propertyName ?? element.name).text);
  }
  return { named, namespaces };
}

/** The exported name an expression refers to (`X` or `ns.X`), when it comes from a provider package. */
function importedName(expression: ts.Expression, imports: ProviderImports): string | undefined {
  if (ts.isIdentifier(expression)) return imports.named.get(expression.text);
  if (
    ts.isPropertyAccessExpression(expression) &&
    ts.isIdentifier(expression.expression) &&
    imports.namespaces.has(expression.expression.text)
  ) {
    return expression.name.text;
  }
  return undefined;
}

const isProviderClass = (name: string) => PROVIDER_CLASSES.has(name) || PROVIDER_CLASS_NAME.test(name);
const isProviderFactory = (name: string) => PROVIDER_FACTORIES.has(name) || PROVIDER_FACTORY_NAME.test(name);

/** Provider constructions in one file's text (`file` only labels the findings). */
export function providerConstructionsIn(file: string, text: string): ProviderConstruction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const imports = providerImports(source);
  const found: ProviderConstruction[] = [];
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node)) {
      const name = importedName(node.expression, imports);
      if (name !== undefined && isProviderClass(name))
        found.push({ file, line: at(node), construct: `new ${name}` });
    } else if (ts.isCallExpression(node)) {
      const name = importedName(node.expression, imports);
      if (name !== undefined && isProviderFactory(name))
        found.push({ file, line: at(node), construct: `${name}(` });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const sourceFiles = (dir: string) =>
  sourceFilesUnder(dir, { isSource: isTypeScriptSource, skipFolders: new Set(['node_modules', 'dist']) });

/** Every provider construction under `apps/<app>/src` except the data gateway's, paths relative to the root. */
export function checkMarketDataProviders(workspaceRoot: string): ProviderConstruction[] {
  const appsDir = join(workspaceRoot, 'apps');
  if (!existsSync(appsDir)) return [];
  const found: ProviderConstruction[] = [];
  for (const app of readdirSync(appsDir)) {
    const src = join(appsDir, app, 'src');
    if (!existsSync(src) || relative(workspaceRoot, src) === GATEWAY_SOURCE) continue;
    for (const file of sourceFiles(src)) {
      found.push(...providerConstructionsIn(relative(workspaceRoot, file), readFileSync(file, 'utf8')));
    }
  }
  return found;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const found = checkMarketDataProviders(root);
  for (const f of found) {
    console.error(
      `${f.file}:${f.line}: ${f.construct} — read market data through openMarketDataPort (@ats/market-data)`,
    );
  }
  if (found.length > 0) {
    console.error(`${found.length} market-data provider construction(s) outside the data gateway`);
    process.exit(1);
  }
  console.log('market data: no app outside the data gateway constructs a provider');
}

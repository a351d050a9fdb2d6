/**
 * Reads the import graph of src/ and web/src and checks it against DESIGN.md's never-pairs. An
 * edge is anything that loads a module at run time: `import … from`, `export … from`, a dynamic
 * `import('…')`, and `new URL('…', import.meta.url)` (how workers are started, and what Vite
 * follows). `import type` / `export type` (and imports whose every name is `type`) are erased by
 * tsc, so they are not edges. Parsed with the TypeScript compiler, not with regular expressions,
 * so comments, strings and template literals cannot fool it.
 */
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import ts from 'typescript';

export interface Edge {
  /** The importing file, relative to the repository root (`src/explain/index.ts`). */
  from: string;
  /** The specifier as written (`../data/csv.js`, `node:fs`). */
  specifier: string;
  /** The repository file it resolves to, when it is one of ours. */
  to?: string;
  line: number;
  kind: 'static' | 're-export' | 'dynamic' | 'url';
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import './x.js'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** Resolves a relative specifier of `from` to a file in `files` (`./x.js` → `x.ts`), or undefined. */
function resolve(from: string, specifier: string, files: ReadonlySet<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const candidate of [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), `${target}.ts`, `${target}/index.ts`]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

/** The run-time edges out of one file. */
export function readEdges(from: string, text: string, files: ReadonlySet<string>): Edge[] {
  const source = ts.createSourceFile(from, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (literal: ts.StringLiteralLike, kind: Edge['kind']) => {
    const specifier = literal.text;
    edges.push({ from, specifier, to: resolve(from, specifier, files), line: source.getLineAndCharacterOfPosition(literal.getStart()).line + 1, kind });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteralLike(node.moduleSpecifier)) {
      if (!isTypeOnlyImport(node)) add(node.moduleSpecifier, 'static');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteralLike(node.moduleSpecifier)) {
      if (!isTypeOnlyExport(node)) add(node.moduleSpecifier, 're-export');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) add(arg, 'dynamic');
      else edges.push({ from, specifier: `<computed: ${arg?.getText(source) ?? ''}>`, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, kind: 'dynamic' });
    } else if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL' && node.arguments?.length === 2) {
      const [arg, base] = node.arguments;
      // Only module-relative URLs of code: data files (package.json, promotion.csv) are not imports.
      if (ts.isStringLiteralLike(arg) && /\.(m?[jt]s)$/.test(arg.text) && base.getText(source) === 'import.meta.url') add(arg, 'url');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

export function readGraph(sources: ReadonlyMap<string, string>): Edge[] {
  const files = new Set(sources.keys());
  return [...sources].flatMap(([file, text]) => readEdges(file, text, files));
}

const BUILTINS = new Set(builtinModules);
/** `node:fs`, `fs`, `fs/promises`, `node:worker_threads`, … */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}
const FS = (specifier: string) => isNodeBuiltin(specifier) && /^(node:)?fs(\/|$)/.test(specifier);
/** csv-parse's Node entry (streams, Buffer); its browser entry lives under csv-parse/browser/. */
const CSV_PARSE_NODE = (specifier: string) => /^csv-parse(\/|$)/.test(specifier) && !specifier.startsWith('csv-parse/browser/');

interface Rule {
  /** Files the rule applies to (path prefixes). */
  from: readonly string[];
  /** Repository paths they must not import (prefixes). */
  to: readonly string[];
  /** Packages or builtins they must not import. */
  external?: (specifier: string) => boolean;
  why: string;
}

/** DESIGN.md "The shape": the never-pairs, one rule each. */
export const RULES: readonly Rule[] = [
  {
    from: ['src/math/', 'src/accel/', 'src/train/'],
    to: ['src/data/', 'src/model/', 'src/app/', 'src/cli/', 'src/server/', 'web/'],
    external: FS,
    why: 'math/accel/train must not import data, model, app, cli, server, web or node\'s fs',
  },
  {
    from: ['src/explain/'],
    to: ['src/app/', 'src/cli/', 'src/server/'],
    external: FS,
    why: 'explain must not import app, a face (cli, server) or fs',
  },
  { from: ['src/server/'], to: ['src/cli/'], why: 'server must not import cli' },
  { from: ['src/model/'], to: ['src/data/'], why: 'data imports model, never model data (no data ↔ model cycle)' },
  { from: ['src/errors.ts'], to: ['src/', 'web/'], why: 'errors.ts imports nothing, so every part may import it' },
];

const startsWithAny = (path: string, prefixes: readonly string[]) => prefixes.some((p) => path === p || path.startsWith(p));
const where = (e: Edge) => `${e.from}:${e.line}`;

/** One line per forbidden edge: the file and line, the import as written, and the rule. */
export function pairViolations(edges: readonly Edge[], rules: readonly Rule[] = RULES): string[] {
  const out: string[] = [];
  for (const e of edges) {
    if (e.specifier.startsWith('<computed')) {
      out.push(`${where(e)} import(${e.specifier}): a dynamic import must name its module, or the boundaries cannot be checked`);
      continue;
    }
    for (const rule of rules) {
      if (!startsWithAny(e.from, rule.from)) continue;
      if (e.to && startsWithAny(e.to, rule.to)) out.push(`${where(e)} imports '${e.specifier}' (${e.to}): ${rule.why}`);
      else if (!e.to && rule.external?.(e.specifier)) out.push(`${where(e)} imports '${e.specifier}': ${rule.why}`);
    }
  }
  return out;
}

/** Who a browser-safety check is for, as its messages name them. */
export interface BrowserRoots {
  /** Where the roots are (`web/`, `the browser entry`). */
  where: string;
  /** What loads them (`the playground`, `a page importing chainrule`). */
  who: string;
}

const PLAYGROUND: BrowserRoots = { where: 'web/', who: 'the playground' };

/**
 * Everything reachable from `roots` (web/src: the playground and its worker; or the library's
 * browser entry), through any number of our modules, must be browser-safe: no Node builtin
 * (node:fs, worker_threads, …) and not csv-parse's Node entry. Each violation prints the chain from
 * the root that reaches it.
 */
export function webViolations(edges: readonly Edge[], roots: readonly string[], name: BrowserRoots = PLAYGROUND): string[] {
  const out = new Map<string, Edge[]>();
  const parent = new Map<string, Edge | null>();
  const queue: string[] = [];
  for (const root of roots) {
    parent.set(root, null);
    queue.push(root);
  }
  const byFile = new Map<string, Edge[]>();
  for (const e of edges) byFile.set(e.from, [...(byFile.get(e.from) ?? []), e]);
  while (queue.length) {
    const file = queue.shift() as string;
    for (const e of byFile.get(file) ?? []) {
      if (e.to) {
        if (!parent.has(e.to)) {
          parent.set(e.to, e);
          queue.push(e.to);
        }
      } else if (isNodeBuiltin(e.specifier) || CSV_PARSE_NODE(e.specifier)) {
        const chain: Edge[] = [e];
        for (let p = parent.get(file); p; p = parent.get(p.from)) chain.unshift(p);
        out.set(`${where(e)} ${e.specifier}`, chain);
      }
    }
  }
  return [...out.values()].map((chain) => {
    const last = chain[chain.length - 1];
    const path = chain.map((e) => `${where(e)} → '${e.specifier}'`).join(', ');
    return `${last.from} imports '${last.specifier}', reached from ${name.where} by ${path}: nothing ${name.who} loads may import a Node builtin or csv-parse's Node entry`;
  });
}

/** Every file of ours that `roots` load, directly or through other modules (roots included). */
export function reachable(edges: readonly Edge[], roots: readonly string[]): Set<string> {
  const byFile = new Map<string, Edge[]>();
  for (const e of edges) byFile.set(e.from, [...(byFile.get(e.from) ?? []), e]);
  const seen = new Set(roots);
  const queue = [...roots];
  while (queue.length) {
    const file = queue.shift() as string;
    for (const e of byFile.get(file) ?? []) {
      if (e.to && !seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return seen;
}

/** Node's globals that a browser does not define: using one is a ReferenceError there (`Buffer is not defined`). */
export const NODE_GLOBALS: ReadonlySet<string> = new Set(['Buffer', 'process', 'require', 'module', 'exports', '__dirname', '__filename', 'global', 'setImmediate']);

/** True when `node` sits inside a type (erased by tsc): `let b: Buffer`, `NodeJS.ErrnoException`. */
function inType(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isTypeNode(n)) return true;
    if (ts.isExpression(n) || ts.isStatement(n)) return false;
  }
  return false;
}

/** Names a file declares itself (variables, parameters, functions, classes, imports): those shadow a global. */
function declaredNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)
      || ts.isImportSpecifier(node) || ts.isImportClause(node) || ts.isNamespaceImport(node) || ts.isBindingElement(node))
      && node.name && ts.isIdentifier(node.name)) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/**
 * Run-time uses of a Node global in one file, as `file:line uses Buffer`. Not uses: a property
 * name (`globalThis.process`, `{ process }` as a key), a type, `typeof process` (a guard), a name the
 * file declares itself.
 */
export function nodeGlobalUses(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const own = declaredNames(source);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text) && !own.has(node.text)) {
      const parent = node.parent;
      const isName = (ts.isPropertyAccessExpression(parent) && parent.name === node)
        || ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)
          || ts.isPropertySignature(parent) || ts.isMethodSignature(parent) || ts.isGetAccessor(parent) || ts.isSetAccessor(parent)
          || ts.isEnumMember(parent)) && parent.name === node)
        || ts.isQualifiedName(parent) || ts.isTypeOfExpression(parent) || ts.isExportSpecifier(parent);
      if (!isName && !inType(node)) out.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1} uses ${node.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/**
 * Packages loaded on first use. Importing zod costs ~60 ms (some hundred files) and csv-parse's
 * one-file synchronous parser ~10 ms, against DESIGN.md's 50 ms for importing the whole library;
 * yet model files and CSV text are parsed synchronously (loadModel, parseModel, tableFromCsv). So
 * they are required on the first call: in Node through `process.getBuiltinModule` (no static node:
 * import, so this module stays browser-safe); a browser bundle hands its static imports over once
 * with {@link provide} (browser.ts, and the playground's upload.ts).
 */
import type * as Zod from 'zod';
import type * as CsvSync from 'csv-parse/browser/esm/sync';

/** What each name gives. */
export interface OnDemand {
  zod: typeof Zod;
  /** csv-parse's synchronous parser (the browser build, or in Node its own `csv-parse/sync`). */
  'csv-parse/sync': Pick<typeof CsvSync, 'parse'>;
}

const loaded: Partial<OnDemand> = {};

/** Gives the module to use for `name` (a bundle's static import); the first one given stays. */
export function provide<K extends keyof OnDemand>(name: K, module: OnDemand[K]): void {
  loaded[name] ??= module;
}

/** The module for `name`, required on the first call in Node. */
export function onDemand<K extends keyof OnDemand>(name: K): OnDemand[K] {
  const have = loaded[name];
  if (have) return have;
  // Typed by hand: a type import of node:module would read, to the bundle's import check, as a Node import.
  const nodeModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:module') as
    | { createRequire(from: string): (id: string) => unknown } | undefined;
  if (!nodeModule) throw new Error(`chainrule: ${name} was not provided (a bundle for browsers imports chainrule's browser entry, which provides it)`);
  const module = nodeModule.createRequire(import.meta.url)(name) as OnDemand[K];
  loaded[name] = module;
  return module;
}

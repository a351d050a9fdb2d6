/**
 * zod on first use. Importing it costs ~60 ms (some hundred files), more than DESIGN.md's whole
 * 50 ms budget for importing the library, yet model files are parsed synchronously (loadModel,
 * parseModel). So the schemas are built on the first parse, with zod required then: in Node
 * through `process.getBuiltinModule` (no static node: import, so this module stays browser-safe);
 * a bundle for browsers hands it over once with {@link provideZod} (browser.ts does).
 */
import type * as Zod from 'zod';

export type ZodModule = typeof Zod;

let zod: ZodModule | undefined;

/** Gives the zod module to use (a browser bundle's static import); the first one given stays. */
export function provideZod(module: ZodModule): void {
  zod ??= module;
}

/** The zod module, required on the first call in Node. */
export function loadZod(): ZodModule {
  if (zod) return zod;
  const nodeModule = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:module') as
    | typeof import('node:module') | undefined;
  if (!nodeModule) throw new Error('chainrule: zod was not provided (a browser bundle imports chainrule\'s browser entry, which provides it)');
  zod = nodeModule.createRequire(import.meta.url)('zod') as ZodModule;
  return zod;
}

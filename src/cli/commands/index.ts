/**
 * Every command of the CLI; each file adds one. Commands are loaded on demand: a run of
 * `chainrule predict` does not pay for importing the HTTP server or the ONNX encoder.
 */
import type { Command } from 'commander';

type Loader = () => Promise<(program: Command) => void>;

export const commands: Record<string, Loader> = {
  train: async () => (await import('./train.js')).registerTrain,
  serve: async () => (await import('./serve.js')).registerServe,
  predict: async () => (await import('./predict.js')).registerPredict,
  evaluate: async () => (await import('./evaluate.js')).registerEvaluate,
  explain: async () => (await import('./explain.js')).registerExplain,
  notes: async () => (await import('./notes.js')).registerNotes,
  export: async () => (await import('./export.js')).registerExport,
  'gen-data': async () => (await import('./gen-data.js')).registerGenData,
  cv: async () => (await import('./cv.js')).registerCv,
  tune: async () => (await import('./tune.js')).registerTune,
  report: async () => (await import('./report.js')).registerReport,
  importance: async () => (await import('./importance.js')).registerImportance,
};

/** Registers the named command only, or every command when `name` is not one (help, typos). */
export async function registerCommands(program: Command, name?: string): Promise<void> {
  const names = name !== undefined && name in commands ? [name] : Object.keys(commands);
  for (const register of await Promise.all(names.map((n) => commands[n]()))) register(program);
}

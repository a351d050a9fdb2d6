/**
 * The two library entries stay in step: the browser entry (src/browser.ts, package.json's
 * "browser" condition) exports every name of the Node entry (src/index.ts) but the Node-only ones
 * listed here, values and types alike, and each shared value is the very same binding (one
 * definition, in src/portable.ts). Checked on the sources (values and, with the TypeScript
 * checker, types) and on the built files that ship.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as node from '../../src/index.js';
import * as browser from '../../src/browser.js';

/**
 * Names the Node entry has and the browser entry must not: files (readCsv, readTable, loadModel,
 * saveModel), worker threads (createThreadPool; crossValidate and tune train folds in workers,
 * buildReport renders with linkedom), ONNX export (reads package.json, writes files).
 */
const NODE_ONLY_VALUES = [
  'readCsv', 'readTable', 'loadModel', 'saveModel', 'createThreadPool',
  'crossValidate', 'tune', 'TUNABLE_OPTIONS', 'buildReport',
  'exportOnnx', 'modelToOnnx', 'decodeOnnx', 'onnxColumns', 'onnxMetadata', 'foldStandardization', 'OnnxExportError',
  'ONNX_OPSET', 'ONNX_IR_VERSION', 'ONNX_INPUT_NAME', 'ONNX_OUTPUT_NAME',
];
/** The option and result types of those functions. */
const NODE_ONLY_TYPES = [
  'FileReadOptions', 'DataFormat', 'OnnxColumn',
  'CrossValidateConfig', 'CvSummary', 'FoldMetrics', 'FoldTrainConfig',
  'TuneConfig', 'TuneResult', 'TrialParams', 'TrialResult', 'TunableOption', 'RangeConfig', 'ReportConfig',
];

const sorted = (names: Iterable<string>) => [...names].sort();

/** Every exported name of each entry, types included, as the TypeScript checker sees them. */
function declaredExports(files: readonly string[]): string[][] {
  const config = ts.getParsedCommandLineOfConfigFile(fileURLToPath(new URL('../../tsconfig.json', import.meta.url)), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  if (!config) throw new Error('tsconfig.json did not parse');
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  return files.map((file) => {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`${file}: no module symbol`);
    return sorted(checker.getExportsOfModule(symbol).map((s) => s.name));
  });
}

describe('the browser entry = the Node entry minus its Node-only names', () => {
  it('values: the same names but the listed ones, each the same binding', () => {
    for (const name of NODE_ONLY_VALUES) {
      expect(name in node, `${name} in the Node entry`).toBe(true);
      expect(name in browser, `${name} in the browser entry`).toBe(false);
    }
    expect(sorted(Object.keys(browser))).toEqual(sorted(Object.keys(node).filter((name) => !NODE_ONLY_VALUES.includes(name))));
    for (const name of Object.keys(browser)) expect((browser as Record<string, unknown>)[name], name).toBe((node as Record<string, unknown>)[name]);
    // The names the browser entry is for.
    for (const name of ['train', 'fit', 'createNetwork', 'predict', 'explain', 'explainAttributions', 'evaluateModel', 'parseModel', 'parseModelJson', 'serializeModel', 'tableFromCsv', 'tableFromRows']) {
      expect(typeof (browser as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('types too (the TypeScript checker\'s export lists)', () => {
    const [nodeNames, browserNames] = declaredExports([
      fileURLToPath(new URL('../../src/index.ts', import.meta.url)), fileURLToPath(new URL('../../src/browser.ts', import.meta.url)),
    ]);
    const nodeOnly = [...NODE_ONLY_VALUES, ...NODE_ONLY_TYPES];
    expect(nodeOnly.filter((name) => !nodeNames.includes(name))).toEqual([]);
    expect(browserNames).toEqual(nodeNames.filter((name) => !nodeOnly.includes(name)));
    for (const name of ['Table', 'ModelFile', 'TrainConfig', 'ExplainDocument', 'AttributionsDocument', 'CsvTextOptions']) expect(browserNames).toContain(name);
  });

  it('what ships: dist/browser.js and dist/index.js (npm run build first) have the same lists as the sources', async () => {
    const built = { node: await import('../../dist/index.js'), browser: await import('../../dist/browser.js') };
    expect(sorted(Object.keys(built.node))).toEqual(sorted(Object.keys(node)));
    expect(sorted(Object.keys(built.browser))).toEqual(sorted(Object.keys(browser)));
  });
});

describe('model JSON without files', () => {
  it('parseModelJson reads serializeModel\'s text back to an equal model, and names the field of a bad one as loadModel would', () => {
    const model = browser.train(browser.tableFromRows('t.csv', ['x', 'y'], [['0', '0'], ['1', '1'], ['2', '1'], ['-1', '0']]), {
      target: 'y', hidden: [2], epochs: 3,
    }).model;
    const text = browser.serializeModel(model);
    expect(browser.parseModelJson(text)).toEqual(model);
    expect(browser.predict(browser.parseModelJson(text), [{ x: 0.5 }])).toEqual(browser.predict(model, [{ x: 0.5 }]));
    expect(() => browser.parseModelJson('{"format":')).toThrow(/^model\.json: not valid JSON \(/);
    const bad = JSON.parse(text);
    bad.layers[0].weights[0] = [1, 2, 3];
    expect(() => browser.parseModelJson(JSON.stringify(bad), 'upload.json')).toThrow(/^upload\.json: layers\[0\]\.weights\[0\]: /);
    expect(() => browser.parseModelJson(JSON.stringify(bad))).toThrow(browser.ModelFileError);
  });
});

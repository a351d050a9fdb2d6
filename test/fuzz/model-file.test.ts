/**
 * Fuzzing the model file loader: any JSON value, any mutation of a valid model, any bytes on disk.
 * Property: a validated model or a ModelFormatError / ModelFileError naming a field or the file —
 * never another exception — and a model that passes validation predicts finite probabilities.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { ModelFileError, loadModel } from '../../src/model/file.js';
import { ModelFormatError, encodedWidth, parseModel } from '../../src/model/schema.js';
import type { ModelFile } from '../../src/model/schema.js';
import { modelToNetwork } from '../../src/model/convert.js';
import { predict } from '../../src/math/network.js';
import { params, runs, timeout } from './settings.js';
import { validModel } from './models.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-fuzz-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A JSON path into a value: the keys and indexes of a random node. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

type Mutation = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'duplicate' };

function mutate(root: unknown, path: (string | number)[], m: Mutation): unknown {
  if (path.length === 0) return m.kind === 'replace' ? m.value : m.kind === 'delete' ? undefined : [root, root];
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (m.kind === 'replace') node[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else if (Array.isArray(node)) node.splice(last as number, 0, structuredClone(node[last]));
  else node[last] = [node[last]];
  return copy;
}

const weird = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(0, -0, 1e308, -1e308, 5e-324, 1e-310, Number.MAX_SAFE_INTEGER, '', 'NaN', 'Infinity', null, [], {}),
  fc.double(),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  weird.map((value) => ({ kind: 'replace' as const, value })),
  fc.constant({ kind: 'delete' as const }),
  fc.constant({ kind: 'duplicate' as const }),
);

/** Either a model or a ModelFormatError; a model predicts finite probabilities for a random row. */
function checkParse(value: unknown, x: number[]): void {
  let model: ModelFile;
  try {
    model = parseModel(value);
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as Error).message).toMatch(/^\S.*: /); // "field: detail"
    return;
  }
  const width = encodedWidth(model.inputs);
  const X = Float64Array.from({ length: width }, (_, i) => x[i % x.length]);
  const p = predict(modelToNetwork(model), X, 1)[0];
  expect(Number.isNaN(p)).toBe(false);
  expect(p).toBeGreaterThanOrEqual(model.loss === 'bce' ? 0 : -Infinity);
}

const row = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 4 });

describe(`model file fuzz (${runs(300)} runs each, fixed seed)`, () => {
  test('the valid base model parses (the mutations start from a model that loads)', () => {
    expect(parseModel(validModel()).layers).toHaveLength(2);
  });

  test('any JSON value: a model or a ModelFormatError naming the field', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), row, (value, x) => checkParse(value, x)), params(300));
  });

  test('one to three mutations of a valid model (replace / delete / duplicate a node): a model or a ModelFormatError', () => {
    const base = validModel();
    const arb = fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(arb, row, (steps, x) => {
      let value: unknown = base;
      for (const [pick, m] of steps) {
        const all = paths(value);
        value = mutate(value, all[pick % all.length], m);
      }
      checkParse(value, x);
    }), params(300));
  }, timeout(300));

  test('bytes on disk (truncated, corrupted or random): a model or a ModelFileError naming the file', () => {
    const text = JSON.stringify(validModel(), null, 2);
    const file = join(dir, 'model.json');
    const arb = fc.oneof(
      fc.nat({ max: text.length }).map((cut) => text.slice(0, cut)),
      fc.tuple(fc.nat({ max: text.length - 1 }), fc.string({ minLength: 1, maxLength: 3 }))
        .map(([at, s]) => text.slice(0, at) + s + text.slice(at + 1)),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
    );
    fc.assert(fc.property(arb, (content) => {
      writeFileSync(file, content, 'latin1');
      try {
        loadModel(file);
      } catch (err) {
        expect(err).toBeInstanceOf(ModelFileError);
        expect((err as Error).message.startsWith(file)).toBe(true);
      }
    }), params(300));
  }, timeout(300));
});

/**
 * Issue 14 item 17: `serve --cors ORIGIN`. Off by default (no Access-Control-* headers, so a page
 * elsewhere cannot read the answers); with origins, those and only those get them, preflight too.
 */
import { describe, expect, test } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import type { ModelFile } from '../../src/model/schema.js';
import { assertBuilt, runCli, tempDir } from '../cli/helpers.js';

const model: ModelFile = {
  format: 'chainrule/model', version: 1,
  inputs: [{ name: 'x', kind: 'numeric' }], target: { name: 'y', positive: '1' },
  layers: [{ activation: 'sigmoid', weights: [[1]], bias: [0] }],
  loss: 'bce', threshold: 0.5,
};
const GOOD = 'https://app.example';

describe('CORS', () => {
  test('off by default: no access-control-allow-origin, even for a cross-origin request', async () => {
    const app = buildApp({ model });
    const res = await app.inject({ method: 'POST', url: '/predict', payload: { rows: [{ x: 1 }] }, headers: { origin: GOOD } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });

  test('with cors: the listed origin gets the header on /predict and a preflight; another origin does not', async () => {
    const app = buildApp({ model, cors: [GOOD, 'http://localhost:5173'] });
    const res = await app.inject({ method: 'POST', url: '/predict', payload: { rows: [{ x: 0 }] }, headers: { origin: GOOD } });
    expect(res.statusCode).toBe(200);
    expect(res.json().predictions[0].probability).toBe(0.5);
    expect(res.headers['access-control-allow-origin']).toBe(GOOD);
    const pre = await app.inject({
      method: 'OPTIONS', url: '/predict',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(pre.headers['access-control-allow-methods'])).toContain('POST');
    const other = await app.inject({ method: 'POST', url: '/predict', payload: { rows: [{ x: 0 }] }, headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });

  test('serve --cors with something that is not an origin: exit 2 quoting it', () => {
    assertBuilt();
    const r = runCli(['serve', '--model', 'nothing.json', '--cors', 'https://app.example/path'], tempDir());
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('chainrule: --cors must list origins such as https://app.example (scheme and host, no path), got https://app.example/path\n');
  });
});

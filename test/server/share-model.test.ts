/** GET /model exists only when the operator shares the model (serve --share-model); /health says whether it does. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FIXTURE, request, start, type Running } from './helpers.js';

let running: Running | undefined;
afterEach(async () => { await running?.app.close(); running = undefined; });

describe('GET /model', () => {
  it('is a 404 by default, and /health does not offer it', async () => {
    running = await start();
    const reply = await request(`${running.url}/model`, 'GET');
    expect(reply.status).toBe(404);
    expect(reply.body.field).toBe('url');
    expect((await request(`${running.url}/health`, 'GET')).body.shareModel).toBeUndefined();
  });

  it('with shareModel answers the served model file, weights as in the file, and /health says so', async () => {
    running = await start({ shareModel: true });
    const reply = await request(`${running.url}/model`, 'GET');
    expect(reply.status).toBe(200);
    const file = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    expect(reply.body.layers).toEqual(file.layers);
    expect(reply.body.inputs).toEqual(file.inputs);
    expect((await request(`${running.url}/health`, 'GET')).body.shareModel).toBe(true);
  });
});

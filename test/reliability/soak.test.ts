/**
 * The soak test's short variant (5 s; `node bench/soak.mjs` runs 60 s): concurrent valid and
 * invalid requests, client disconnects mid-request and model reloads against one `chainrule serve`
 * process on loopback. The script checks each answer against both models; here we require that it
 * found nothing wrong and that the run exercised each kind of traffic.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { assertBuilt, REPO } from '../cli/helpers.js';

beforeAll(assertBuilt);

test('5 s soak with 8 clients: no wrong-model answer, no 5xx, every status as expected, RSS under 256 MB', () => {
  const r = spawnSync(process.execPath, [join(REPO, 'bench/soak.mjs'), '--seconds', '5', '--concurrency', '8', '--json'], { encoding: 'utf8', timeout: 90_000 });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(report.failures).toEqual({});
  expect(report.requests).toBeGreaterThan(50);
  expect(report.byKind.predict).toBeGreaterThan(10);
  expect(report.disconnects).toBeGreaterThan(0);
  expect(report.reloads.admin + report.reloads.sighup).toBeGreaterThan(0);
  expect(Object.keys(report.statuses).filter((s) => !/^[24]\d\d$/.test(s))).toEqual([]);
  expect(report.rssMb.peak).toBeLessThan(256);
}, 120_000);

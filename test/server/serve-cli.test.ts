/**
 * `chainrule serve` as a process (the built CLI): prints its URL, logs one JSON line per request on
 * stderr, stops cleanly on SIGTERM/SIGINT, refuses a bad model file with exit 2; and /predict
 * agrees exactly with `chainrule predict --json` on the same rows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE, request } from './helpers.js';

const CLI = join(process.cwd(), 'dist', 'cli', 'main.js');
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts `serve --port 0` and resolves once it has printed its URL (bounded wait). */
function serve(args: string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--model', FIXTURE, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 10 s; stderr: ${err}`)), 10_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /http:\/\/[^\s]+?(?=\/?\s)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[0].replace(/\/$/, ''), stderr: () => err, exit });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

describe('chainrule serve', () => {
  it('binds 127.0.0.1 on a free port, logs one JSON line per request, exits 0 on SIGTERM', async () => {
    const s = await serve();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await request(`${s.url}/health`, 'GET')).status).toBe(200);
    expect((await request(`${s.url}/predict`, 'POST', '{bad')).status).toBe(400);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
    const lines = s.stderr().trim().split('\n').map((line) => JSON.parse(line));
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.method, l.url, l.statusCode])).toEqual([['GET', '/health', 200], ['POST', '/predict', 400]]);
    expect(lines.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
  });

  it('exits 0 on SIGINT too', async () => {
    const s = await serve(['--quiet']);
    s.child.kill('SIGINT');
    expect(await s.exit).toBe(0);
    expect(s.stderr()).toBe('');
  });

  it('refuses a bad model file with exit 2 and one line naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainrule-serve-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'chainrule/model', version: 1, inputs: [], target: { name: 'y', positive: '1' }, layers: [] }));
    const res = spawnSync(process.execPath, [CLI, 'serve', '--model', bad, '--port', '0'], { encoding: 'utf8', timeout: 10_000 });
    expect(res.status).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/bad\.json: inputs/);
  });

  it('refuses a bad --port with exit 2', () => {
    const res = spawnSync(process.execPath, [CLI, 'serve', '--model', FIXTURE, '--port', 'http'], { encoding: 'utf8', timeout: 10_000 });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/--port must be an integer from 0 to 65535, got http/);
  });
});

describe('/predict equals chainrule predict --json', () => {
  it('on the same CSV rows, bit for bit', async () => {
    const rows = [
      ['years_experience', 'performance_score', 'department'],
      ['0', '40', 'Sales'], ['4.9', '69.9', 'HR'], ['5', '70', 'HR'], ['12.3', '91.5', 'Sales'], ['20', '100', 'HR'],
      ['', '75', 'Sales'], ['8', 'NA', ''], ['3', '55', 'Legal'],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'chainrule-serve-'));
    const csv = join(dir, 'rows.csv');
    writeFileSync(csv, `${rows.map((r) => r.join(',')).join('\n')}\n`);
    const cli = spawnSync(process.execPath, [CLI, 'predict', '--model', FIXTURE, '--data', csv, '--json'], { encoding: 'utf8', timeout: 10_000 });
    expect(cli.status, cli.stderr).toBe(0);
    const fromCli = JSON.parse(cli.stdout).predictions;

    const s = await serve(['--quiet']);
    const records = rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, c) => [h, r[c]])));
    const res = await request(`${s.url}/predict`, 'POST', { rows: records });
    expect(res.status).toBe(200);
    expect(res.body.predictions).toEqual(fromCli);
    expect(fromCli).toHaveLength(8);
    s.child.kill('SIGTERM');
    await s.exit;
  });
});

/**
 * `node bench/memory.mjs [--rows N]`: peak resident memory of training one epoch on 1,000,000 rows
 * × 12 numeric columns (goal: under 1 GiB), measured from outside with `/usr/bin/time -v`:
 *   - library: Float64 arrays in memory, `fit` with the default 12-2-1 network, batches of 32,
 *     and again full batch (every row in one step);
 *   - CLI: `chainrule train --data <csv> --epochs 1` on the same rows written as a CSV file.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const rowsIdx = args.indexOf('--rows');
const rows = rowsIdx >= 0 ? Number(args[rowsIdx + 1]) : 1_000_000;
const FEATURES = 12;

if (args[0] === '--child-library') {
  // Runs inside /usr/bin/time: builds the data and trains one epoch.
  const { makeDataset } = await import('./data.mjs');
  const { createRng } = await import('../dist/math/rng.js');
  const { createNetwork } = await import('../dist/math/init.js');
  const { optimizerConfig } = await import('../dist/math/optimizers.js');
  const { fit } = await import('../dist/train/fit.js');
  const batch = args[1] === 'full' ? 'full' : Number(args[1]);
  const data = makeDataset({ rows, features: FEATURES, seed: 1 });
  const net = createNetwork({ inputs: FEATURES, hidden: [2] }, createRng(2));
  const t0 = performance.now();
  const r = fit(net, data, { epochs: 1, batchSize: batch, optimizer: optimizerConfig('sgd', 0.5), rng: createRng(3) });
  process.stdout.write(`${JSON.stringify({ loss: r.history[0].loss, seconds: (performance.now() - t0) / 1000 })}\n`);
} else {
  await main();
}

function timed(argv) {
  const r = spawnSync('/usr/bin/time', ['-v', ...argv], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.+)/.exec(r.stderr)?.[1]?.trim();
  return { status: r.status, peakRssMiB: kb / 1024, wall, tail: r.status === 0 ? '' : r.stderr.split('\n').slice(-25, -20).join(' | ') };
}

async function writeCsv(file) {
  const { makeDataset } = await import('./data.mjs');
  const data = makeDataset({ rows, features: FEATURES, seed: 1 });
  const out = createWriteStream(file);
  out.write(`${Array.from({ length: FEATURES }, (_, j) => `x${j + 1}`).join(',')},y\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const row = data.X.subarray(i * FEATURES, (i + 1) * FEATURES);
    chunk += `${Array.from(row, (v) => v.toFixed(5)).join(',')},${data.Y[i]}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function main() {
  const results = [];
  for (const batch of ['32', 'full']) {
    const r = timed([process.execPath, fileURLToPath(import.meta.url), '--child-library', batch, '--rows', String(rows)]);
    results.push({ path: `library fit, 12-2-1, batch ${batch}, 1 epoch`, ...r });
  }
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-mem-'));
  try {
    const csv = join(dir, 'rows.csv');
    await writeCsv(csv);
    const mib = statSync(csv).size / 2 ** 20;
    const r = timed([process.execPath, join(here, '..', 'dist', 'cli', 'main.js'), 'train', '--data', csv, '--target', 'y',
      '--epochs', '1', '--out', join(dir, 'model.json'), '--quiet']);
    results.push({ path: `CLI train --data (${mib.toFixed(0)} MiB CSV), defaults, 1 epoch`, ...r });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`| ${rows.toLocaleString('en-US')} rows × ${FEATURES} columns | peak RSS MiB | wall | under 1 GiB |`);
  console.log('| --- | ---: | ---: | --- |');
  for (const r of results) {
    console.log(`| ${r.path} | ${r.status === 0 ? r.peakRssMiB.toFixed(0) : `failed (exit ${r.status}) ${r.tail}`} | ${r.wall ?? ''} | ${r.status === 0 ? (r.peakRssMiB < 1024 ? 'yes' : 'no') : ''} |`);
  }
}

/**
 * `node bench/scaling.mjs [--quick]`: time per epoch of chainrule's fit as the rows grow
 * 10³ → 10⁶ and as the hidden width grows 2 → 256, for the fast kernels and the reference loop.
 * Writes bench/scaling.svg (drawn here, no plotting library) and bench/scaling.json; prints a table.
 *   rows:  the notes' 2-2-1 network, full-batch SGD (workload A's shape), and 12-16-16-1 relu with
 *          Adam in batches of 256 (workload B's shape, narrower);
 *   width: 12-W-W-1 relu, Adam, batches of 256, on 10,000 rows.
 * Each point is the fastest of several epochs after one warm-up epoch (the machine may be shared).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../dist/math/rng.js';
import { createNetwork } from '../dist/math/init.js';
import { optimizerConfig } from '../dist/math/optimizers.js';
import { fit } from '../dist/train/fit.js';
import { createThreadPool } from '../dist/accel/threads.js';
import { makeDataset } from './data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');

function secondsPerEpoch({ rows, features, hidden, activation, optimizer, lr, batch }, kernels, pool) {
  const data = makeDataset({ rows, features, seed: 3 });
  const net = createNetwork({ inputs: features, hidden, activation }, createRng(4));
  const times = [];
  let last = 0;
  let first = 0;
  // Enough epochs to see past a busy neighbour: at least 5 timed, then until 3 s or 60 epochs.
  fit(net, data, {
    epochs: 61, batchSize: batch, optimizer: optimizerConfig(optimizer, lr), rng: createRng(5), kernels, pool,
    onEpoch: ({ epoch }) => {
      const now = performance.now();
      if (epoch > 1) times.push((now - last) / 1000);
      else first = now;
      last = now;
      return times.length >= 5 && now - first > 3000 ? 'stop' : undefined;
    },
  });
  // fit's first onEpoch call marks the end of the warm-up epoch; the fastest later epoch is the
  // machine's cost with the least interference from other processes.
  return Math.min(...times);
}

const series = [];
const rowSizes = quick ? [1e3, 1e4, 1e5] : [1e3, 1e4, 1e5, 1e6];
const rowShapes = [
  { name: '2-2-1 sigmoid, full batch', features: 2, hidden: [2], activation: 'sigmoid', optimizer: 'sgd', lr: 0.5, batch: 'full' },
  { name: '12-16-16-1 relu, Adam, batch 256', features: 12, hidden: [16, 16], activation: 'relu', optimizer: 'adam', lr: 1e-3, batch: 256 },
];
for (const shape of rowShapes) {
  for (const kernels of ['fast', 'reference']) {
    const points = rowSizes.map((rows) => ({ x: rows, seconds: secondsPerEpoch({ ...shape, rows }, kernels) }));
    series.push({ panel: 'rows', label: `${shape.name} (${kernels})`, kernels, points });
    process.stderr.write(`rows ${shape.name} ${kernels}: ${points.map((p) => `${p.x}:${p.seconds.toExponential(2)}s`).join(' ')}\n`);
  }
}
const widths = quick ? [2, 16, 64] : [2, 4, 8, 16, 32, 64, 128, 256];
// The width sweep also runs the fast path with a pool of 2 worker threads: the bytes are the
// same, and the curve shows from which width splitting the products across both cores pays. The
// three configurations take turns at each width, so none of them always runs on a warmer (or
// more fragmented) process than the others.
const pool = await createThreadPool(2);
const configs = [['fast', 1], ['reference', 1], ['fast', 2]];
const widthPoints = configs.map(() => []);
for (const w of widths) {
  configs.forEach(([kernels, threads], c) => {
    const shape = { rows: 10_000, features: 12, hidden: [w, w], activation: 'relu', optimizer: 'adam', lr: 1e-3, batch: 256 };
    widthPoints[c].push({ x: w, seconds: secondsPerEpoch(shape, kernels, threads > 1 ? pool : undefined) });
  });
}
await pool.close();
configs.forEach(([kernels, threads], c) => {
  const points = widthPoints[c];
  const label = `12-W-W-1 relu, Adam, batch 256, 10,000 rows (${kernels}${threads > 1 ? `, ${threads} threads` : ''})`;
  series.push({ panel: 'width', label, kernels, threads, points });
  process.stderr.write(`width ${kernels} ${threads} thread(s): ${points.map((p) => `${p.x}:${p.seconds.toExponential(2)}s`).join(' ')}\n`);
});

writeFileSync(join(here, 'scaling.json'), `${JSON.stringify({ date: new Date().toISOString(), series }, null, 2)}\n`);
writeFileSync(join(here, 'scaling.svg'), renderSvg(series));
for (const s of series) {
  console.log(`${s.panel.padEnd(5)} ${s.label}`);
  for (const p of s.points) console.log(`      ${String(p.x).padStart(8)}  ${(p.seconds * 1000).toFixed(3).padStart(10)} ms/epoch  ${(p.x / p.seconds / (s.panel === 'rows' ? 1 : 1)).toExponential(2)} ${s.panel === 'rows' ? 'rows/s' : ''}`);
}

/** Two log-log panels, one line per series; fast kernels solid, reference dashed. */
function renderSvg(all) {
  const W = 980, H = 420, pad = { l: 70, r: 20, t: 40, b: 50 }, gap = 60;
  const panelW = (W - pad.l - pad.r - gap) / 2;
  const colors = ['#1f77b4', '#d62728', '#2ca02c'];
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + 90}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`];
  ['rows', 'width'].forEach((panel, pi) => {
    const ss = all.filter((s) => s.panel === panel);
    const xs = ss.flatMap((s) => s.points.map((p) => p.x));
    const ys = ss.flatMap((s) => s.points.map((p) => p.seconds));
    const lx0 = Math.floor(Math.log10(Math.min(...xs)) * 2) / 2, lx1 = Math.ceil(Math.log10(Math.max(...xs)) * 2) / 2;
    const ly0 = Math.floor(Math.log10(Math.min(...ys))), ly1 = Math.ceil(Math.log10(Math.max(...ys)));
    const x0 = pad.l + pi * (panelW + gap);
    const sx = (x) => x0 + ((Math.log10(x) - lx0) / (lx1 - lx0)) * panelW;
    const sy = (y) => pad.t + (1 - (Math.log10(y) - ly0) / (ly1 - ly0)) * (H - pad.t - pad.b);
    out.push(`<text x="${x0 + panelW / 2}" y="22" text-anchor="middle" font-size="14">${panel === 'rows' ? 'seconds per epoch vs rows' : 'seconds per epoch vs hidden width (10,000 rows)'}</text>`);
    for (let e = ly0; e <= ly1; e++) {
      const y = sy(10 ** e);
      out.push(`<line x1="${x0}" x2="${x0 + panelW}" y1="${y}" y2="${y}" stroke="#ddd"/>`, `<text x="${x0 - 6}" y="${y + 4}" text-anchor="end">1e${e}</text>`);
    }
    const ticks = panel === 'rows' ? [1e3, 1e4, 1e5, 1e6].filter((t) => Math.log10(t) >= lx0 && Math.log10(t) <= lx1) : [2, 4, 8, 16, 32, 64, 128, 256].filter((t) => xs.includes(t));
    for (const t of ticks) {
      const x = sx(t);
      out.push(`<line x1="${x}" x2="${x}" y1="${pad.t}" y2="${H - pad.b}" stroke="#eee"/>`, `<text x="${x}" y="${H - pad.b + 16}" text-anchor="middle">${panel === 'rows' ? `1e${Math.log10(t)}` : t}</text>`);
    }
    out.push(`<rect x="${x0}" y="${pad.t}" width="${panelW}" height="${H - pad.t - pad.b}" fill="none" stroke="#333"/>`);
    out.push(`<text x="${x0 + panelW / 2}" y="${H - 12}" text-anchor="middle">${panel === 'rows' ? 'rows (log scale)' : 'hidden width W (log scale)'}</text>`);
    ss.forEach((s, si) => {
      // fast and reference of one shape share a colour; a thread-pool series gets the next one.
      const color = colors[Math.floor(si / 2) % colors.length];
      const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.seconds).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${s.kernels === 'reference' ? ' stroke-dasharray="6 4"' : ''}/>`);
      for (const p of s.points) out.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.seconds).toFixed(1)}" r="3" fill="${color}"/>`);
      const ly = H + 10 + (pi === 0 ? si : si) * 18;
      out.push(`<line x1="${x0}" x2="${x0 + 30}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${s.kernels === 'reference' ? ' stroke-dasharray="6 4"' : ''}/>`, `<text x="${x0 + 36}" y="${ly + 4}">${s.label}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

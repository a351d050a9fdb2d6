/** The bench's table and its goal ratios (issues 8 and 13), computed from one run's medians. */

/** [workload, peer, minimum ratio chainrule/peer, label, chainrule's system when not the default] */
const GOALS = [
  ['C', 'hand loop (written out)', 1, 'C ≥ 1.0× the written-out hand loop'],
  ['C', 'brain.js', 2, 'C ≥ 2× brain.js'],
  ['C', 'pytorch', 250, 'C ≥ 250× PyTorch'],
  ['A', 'pytorch', 1, 'A ≥ 1.0× PyTorch (1 thread)'],
  ['A', 'tfjs-cpu', 5, 'A ≥ 5× tfjs-cpu'],
  ['A', 'tfjs-wasm', 5, 'A ≥ 5× tfjs-wasm'],
  ['A', 'brain.js', 5, 'A ≥ 5× brain.js'],
  ['B', 'tfjs-wasm', 3, 'B ≥ 3× tfjs-wasm'],
  ['B', 'pytorch', 1, 'B ≥ 1.0× PyTorch (stretch)'],
  ['B', 'pytorch', 1, 'B ≥ 1.0× PyTorch (stretch), chainrule with 2 threads', 'chainrule (2 threads)'],
  // Issue 13: the softmax head on the accelerated dense path.
  ['D', 'pytorch', 1, 'D ≥ 1.0× PyTorch (1 thread)'],
  ['D', 'tfjs-wasm', 5, 'D ≥ 5× tfjs-wasm'],
];

const rate = (doc, workload, system) =>
  doc.find((w) => w.name === workload)?.results.find((r) => r.system === system && !r.error)?.samplesPerSec;

export function evaluateGoals(workloads) {
  return GOALS.map(([workload, peer, target, goal, system = 'chainrule']) => {
    const ours = rate(workloads, workload, system);
    const theirs = rate(workloads, workload, peer);
    if (ours === undefined || theirs === undefined) return { goal, workload, peer, target, ratio: null, met: null };
    const ratio = ours / theirs;
    return { goal, workload, peer, target, ratio, met: ratio >= target };
  });
}

const fmtRate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(0));

export function renderTable(doc) {
  const lines = [
    '| workload | system | samples/s | chainrule ÷ system | final loss (after the samples trained) | peak RSS MiB | samples trained |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const w of doc.workloads) {
    const ours = w.results.find((r) => r.system === 'chainrule' && !r.error)?.samplesPerSec;
    const sorted = [...w.results].sort((a, b) => (b.samplesPerSec ?? -1) - (a.samplesPerSec ?? -1));
    for (const r of sorted) {
      if (r.error) {
        lines.push(`| ${w.name}: ${w.title} | ${r.system} | failed: ${r.error.replace(/\|/g, '/')} | | | | |`);
        continue;
      }
      const ratio = ours ? `${(ours / r.samplesPerSec).toFixed(2)}×` : '';
      lines.push(`| ${w.name}: ${w.title} | ${r.system} | ${fmtRate(r.samplesPerSec)} | ${ratio} | ${r.finalLoss.toFixed(4)} | ${r.peakRssMiB.toFixed(0)} | ${r.samples.toLocaleString('en-US')} |`);
    }
  }
  return lines.join('\n');
}

export function renderGoals(doc) {
  const lines = ['| goal | ratio | met |', '| --- | ---: | --- |'];
  for (const g of doc.goals) {
    lines.push(`| ${g.goal} | ${g.ratio === null ? 'n/a' : `${g.ratio.toFixed(2)}×`} | ${g.met === null ? 'not measured' : g.met ? 'yes' : 'no'} |`);
  }
  return lines.join('\n');
}

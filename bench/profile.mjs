/**
 * `node bench/profile.mjs [A|B|C] [system]`: runs one workload under `node --cpu-prof` and prints
 * the functions with the most self time, to see what limits a goal that is not met.
 * The .cpuprofile is left in a temporary directory (its path is printed) for Chrome DevTools.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchData } from './data.mjs';
import { plannedEpochs, WORKLOADS } from './workloads.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const workload = (process.argv[2] ?? 'A').toUpperCase();
const system = process.argv[3] ?? 'chainrule';
const dir = mkdtempSync(join(tmpdir(), 'chainrule-profile-'));
writeBenchData(dir);
const profDir = join(dir, 'profile');
const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profDir}`, join(here, 'child.mjs'), system, workload, dir,
  String(plannedEpochs(system, WORKLOADS[workload]))], { encoding: 'utf8' });
if (r.status !== 0) throw new Error(`profiled run failed: ${r.stderr}`);
process.stdout.write(r.stdout);

const file = join(profDir, readdirSync(profDir)[0]);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const selfTime = new Map();
profile.samples.forEach((id, i) => {
  const { functionName, url, lineNumber } = nodes.get(id).callFrame;
  const key = `${functionName || '(anonymous)'} ${url ? `${basename(url)}:${lineNumber + 1}` : ''}`.trim();
  selfTime.set(key, (selfTime.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
console.log(`self time of ${system} on workload ${workload} (${(total / 1e6).toFixed(2)} s sampled):`);
for (const [key, t] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`${((100 * t) / total).toFixed(1).padStart(6)}%  ${key}`);
}
console.log(`profile: ${file}`);

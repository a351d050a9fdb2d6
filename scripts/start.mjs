#!/usr/bin/env node
// `npm start`: build the library and the playground, train the promotion model on the bundled
// data, then serve API and playground on 127.0.0.1:8080 (extra arguments go to `serve`, e.g.
// `npm start -- --port 0`). Signals are passed on so Ctrl-C stops the server cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const cli = join(root, 'dist', 'cli', 'main.js');
const model = join('models', 'promotion.json');

function run(command, args) {
  process.stderr.write(`> ${[command, ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(npm, ['run', '--silent', 'build']);
run(npm, ['run', '--silent', 'build:web']);
mkdirSync(join(root, 'models'), { recursive: true });
run(process.execPath, [cli, 'train', '--out', model]);

const server = spawn(process.execPath, [cli, 'serve', '--model', model, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

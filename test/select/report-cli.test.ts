/**
 * `chainrule report` through the CLI: the page's metrics are `evaluate --json`'s on the same
 * data, and the user's mistakes (an --out that cannot be written, data without the target) are
 * exit-2 lines naming them, before any work.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, REPO, removeTempDirs, runCli, tempDir } from '../cli/helpers.js';

const DATA = join(REPO, 'data/promotion.csv');

describe('chainrule report', () => {
  let dir: string;
  beforeAll(() => {
    assertBuilt();
    dir = tempDir();
    expect(runCli(['train', '--epochs', '20', '--quiet', '--out', 'm.json'], dir).status).toBe(0);
  });
  afterAll(removeTempDirs);

  it('writes one page whose metrics are evaluate --json\'s', () => {
    const r = runCli(['report', '--model', 'm.json', '--data', DATA, '--out', 'r.html'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('report written to r.html\n');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    const island = JSON.parse((/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html) as RegExpExecArray)[1]);
    const evaluated = JSON.parse(runCli(['evaluate', '--model', 'm.json', '--data', DATA, '--json'], dir).stdout);
    expect(island.evaluation).toEqual(evaluated);
    expect(island.data.rows).toBe(1000);
  });

  it.each([
    [['--out', 'no/such/folder/r.html'], /^chainrule: --out no\/such\/folder\/r\.html: the folder no\/such\/folder does not exist\n$/],
    [['--data', join(REPO, 'test/fixtures/README.md')], /^chainrule: .*README\.md/],
  ])('%j is one exit-2 line', (extra, message) => {
    const r = runCli(['report', '--model', 'm.json', '--data', DATA, '--out', 'x.html', ...extra], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });
});

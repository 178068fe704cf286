// The published package as a user gets it: `npm pack`, installed into a fresh
// folder, used from Node CommonJS, Node ESM, and a Vite browser build that
// runs in Chromium. Prints the size of the browser bundle (wasm + glue).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { truce } from './helpers.mjs';
import { startHost } from './host-process.mjs';

const jsDir = fileURLToPath(new URL('../', import.meta.url));
const browserBin = process.env.TRUCE_CHROMIUM ?? '/usr/bin/chromium';
const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('npm pack → install → CommonJS, ESM and a Vite build in Chromium', async (t) => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'truce-pack-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const tarball = path.join(work, run('npm', ['pack', '--silent', '--pack-destination', work], jsDir).trim().split('\n').pop());
  const app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], app);

  await t.test('CommonJS', () => {
    const out = run('node', ['-e', "require('truce').init().then((t) => console.log(t.nextVersion(41), t.merge({a: 1}, {a: 2}, {a: 1}).merged.a))"], app);
    assert.equal(out.trim(), '42 2');
  });

  await t.test('ESM', () => {
    const out = run('node', ['--input-type=module', '-e',
      "import { init, TruceError } from 'truce'; const t = await init(); console.log(t.checkVersion(1, 2) instanceof TruceError, typeof t.optimisticDocument)"], app);
    assert.equal(out.trim(), 'true function');
  });

  await t.test('a Vite build runs in the browser', async () => {
    writeFileSync(path.join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    writeFileSync(path.join(app, 'main.js'), [
      "import { init } from 'truce';",
      'const truce = await init();',
      'const merged = truce.merge({ tags: ["a"] }, { tags: ["a", "b"] }, { tags: ["a", "c"] }, { rules: { "/tags": "set" } });',
      'document.body.dataset.result = JSON.stringify(merged.merged.tags);',
    ].join('\n'));
    writeFileSync(path.join(app, 'vite.config.mjs'), "export default { build: { target: 'es2022' }, logLevel: 'error' };");
    run('node', [path.join(jsDir, 'node_modules/vite/bin/vite.js'), 'build'], app);
    const assets = path.join(app, 'dist/assets');
    const files = readdirSync(assets);
    assert.ok(files.some((file) => file.endsWith('.wasm')), `no .wasm among ${files}`);
    const sizes = files.map((file) => {
      const bytes = readFileSync(path.join(assets, file));
      return { file, bytes: statSync(path.join(assets, file)).size, gzipped: gzipSync(bytes, { level: 9 }).length };
    });
    const total = sizes.reduce((sum, { gzipped }) => sum + gzipped, 0);
    console.log(`browser bundle: ${sizes.map(({ file, bytes, gzipped }) => `${file} ${bytes} B (${gzipped} B gzipped)`).join(', ')}; ` +
      `${(total / 1024).toFixed(1)} KiB gzipped in all`);
    // The package's budget (≤ 150 KB gzipped, whether KB means 1000 or 1024
    // bytes): a change that outgrows it decides in docs/decisions.md, "Module size".
    assert.ok(total <= 150_000, `browser bundle is ${total} B gzipped, over the 150,000 B budget`);

    const host = await startHost(['--static', path.join(app, 'dist')]);
    t.after(host.stop);
    const browser = await chromium.launch({ executablePath: browserBin, args: ['--no-sandbox', '--headless'] });
    t.after(() => browser.close());
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${host.url}/index.html`);
    await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 15000 });
    assert.deepEqual(errors, []);
    // The same answer as the Node build gives.
    const node = await truce();
    const expected = node.merge({ tags: ['a'] }, { tags: ['a', 'b'] }, { tags: ['a', 'c'] }, { rules: { '/tags': 'set' } });
    assert.equal(await page.getAttribute('body', 'data-result'), JSON.stringify(expected.merged.tags));
  });
});

// The package as an ES module user loads it: import from 'truce' resolves to
// the Node ESM entry, which shares its classes with require('truce').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import truceDefault, { init, TruceError } from 'truce';

const require = createRequire(import.meta.url);

test('import gives init and TruceError, shared with require()', async () => {
  assert.equal(typeof init, 'function');
  assert.equal(TruceError, require('truce').TruceError);
  assert.equal(truceDefault.init, init);
  const truce = await init();
  assert.equal(truce.checkVersion('any', 5), null);
});

test('the browser entry is an ES module exporting the same API', async () => {
  const browser = await import('../dist/browser.mjs');
  assert.equal(typeof browser.init, 'function');
  assert.equal(typeof browser.TruceError, 'function');
});

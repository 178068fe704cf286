// The package as a CommonJS user loads it: require('truce'), and init()'s
// loader options forwarded to Emscripten.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const { init, TruceError } = require('truce');
const dist = path.dirname(require.resolve('truce'));

test('require() gives init and TruceError', async () => {
  assert.equal(typeof init, 'function');
  const truce = await init();
  const conflict = truce.checkVersion(2, 3);
  assert.ok(conflict instanceof TruceError);
  assert.ok(conflict instanceof Error);
  assert.equal(conflict.message, 'Expected version 2, resource is at version 3');
});

test('wasmBinary is used when given', async () => {
  const truce = await init({ wasmBinary: readFileSync(path.join(dist, 'truce-node.wasm')) });
  assert.equal(truce.nextVersion(1), 2);
});

test('locateFile decides where the .wasm comes from', async () => {
  const asked = [];
  const truce = await init({
    locateFile: (file, prefix) => {
      asked.push(file);
      return path.join(dist, file);
    },
  });
  assert.ok(asked.length > 0);
  assert.deepEqual([...new Set(asked)], ['truce-node.wasm']);
  assert.equal(truce.nextVersion(null), 1);
  await assert.rejects(init({ locateFile: () => '/nonexistent/truce.wasm' }), /ENOENT/);
});

test('instantiateWasm hands instantiation to the caller', async () => {
  let called = false;
  const bytes = readFileSync(path.join(dist, 'truce-node.wasm'));
  const truce = await init({
    instantiateWasm(imports, receiveInstance) {
      called = true;
      WebAssembly.instantiate(bytes, imports).then(({ instance, module }) => receiveInstance(instance, module));
      return {};
    },
  });
  assert.ok(called);
  assert.equal(truce.makeEtag(7), '"7"');
});

test('init rejects options that are not an object', async () => {
  await assert.rejects(init('fast'), (error) => error instanceof TruceError && error.code === 'INVALID_ARGUMENT');
});

test('each init gives an independent instance', async () => {
  const [a, b] = await Promise.all([init(), init()]);
  assert.notEqual(a, b);
  assert.ok(Object.isFrozen(a));
});

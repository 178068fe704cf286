// Builds the JS layer around the WASM module (which CMake's wasm preset puts
// in dist/): a CommonJS entry for Node require(), an ESM wrapper over it for
// Node import (one module instance, one TruceError class), and an ES module
// for browsers, workers and bundlers.
import { build } from 'esbuild';
import { copyFileSync, existsSync } from 'node:fs';

const dist = new URL('./dist/', import.meta.url);
for (const file of ['truce-node.cjs', 'truce-node.wasm', 'truce-web.mjs', 'truce-web.wasm']) {
  if (!existsSync(new URL(file, dist))) {
    console.error(`dist/${file} is missing: build the wasm preset first (cmake --build --preset wasm)`);
    process.exit(1);
  }
}

const common = { bundle: true, logLevel: 'warning', target: 'es2020', legalComments: 'none' };
await build({
  ...common,
  entryPoints: ['src/node.mjs'],
  outfile: 'dist/index.cjs',
  format: 'cjs',
  platform: 'node',
  external: ['./truce-node.cjs'],
});
await build({
  ...common,
  entryPoints: ['src/browser.mjs'],
  outfile: 'dist/browser.mjs',
  format: 'esm',
  platform: 'browser',
  external: ['./truce-web.mjs'],
});
copyFileSync(new URL('./src/node-esm.mjs', import.meta.url), new URL('index.mjs', dist));

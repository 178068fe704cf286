// Node entry (bundled to dist/index.cjs). Reads the .wasm from disk: Node 18+'s
// global fetch cannot load file paths, which breaks Emscripten 3.1.6's loader.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import createTruceModule from './truce-node.cjs';
import { createApi } from './api.mjs';
import { moduleOptions } from './options.mjs';

export { TruceError } from './errors.mjs';

export async function init(options = {}) {
  const forwarded = moduleOptions(options);
  if (!forwarded.wasmBinary && !forwarded.instantiateWasm) {
    const file = forwarded.locateFile
      ? forwarded.locateFile('truce-node.wasm', `${__dirname}/`)
      : join(__dirname, 'truce-node.wasm');
    forwarded.wasmBinary = readFileSync(file);
  }
  return createApi(await createTruceModule(forwarded));
}

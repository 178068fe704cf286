// Browser / worker / bundler entry. The module finds truce-web.wasm next to
// itself (import.meta.url) unless locateFile, wasmBinary or instantiateWasm say otherwise.
import createTruceModule from './truce-web.mjs';
import { createApi } from './api.mjs';
import { moduleOptions } from './options.mjs';

export { TruceError } from './errors.mjs';

export async function init(options = {}) {
  return createApi(await createTruceModule(moduleOptions(options)));
}

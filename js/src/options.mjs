import { TruceError } from './errors.mjs';

const FORWARDED = ['wasmBinary', 'locateFile', 'instantiateWasm'];

// Only the loader options a user may set reach Emscripten's module factory.
export function moduleOptions(options) {
  if (options === null || typeof options !== 'object') {
    throw new TruceError('INVALID_ARGUMENT', 'init(options) takes an object', {}, 400);
  }
  const forwarded = {};
  for (const name of FORWARDED) if (options[name] !== undefined) forwarded[name] = options[name];
  return forwarded;
}

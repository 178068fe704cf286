// Shared by the node:test files: one initialised module, and the paths of the
// shared vectors and conformance suites.
import { fileURLToPath } from 'node:url';
import { init } from 'truce';

export const vectorsDir = process.env.TRUCE_VECTORS_DIR ?? fileURLToPath(new URL('../../tests/vectors/', import.meta.url));

export const conformanceDir =
  process.env.TRUCE_CONFORMANCE_DIR ?? fileURLToPath(new URL('../../../shared/conformance/', import.meta.url));

let instance;
export function truce() {
  instance ??= init();
  return instance;
}

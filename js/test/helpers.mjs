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

// mulberry32: a small seeded generator, so every run sees the same cases.
export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, pick };
}

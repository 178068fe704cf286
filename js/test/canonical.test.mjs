// Canonical JSON, SHA-256 and fingerprints through the WASM module: the RFC
// 8785 suite, its published number-file hashes, a differential test against
// the canonicalize package on seeded random values, and node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { TruceError } from 'truce';
import { truce, conformanceDir, seededRandom } from './helpers.mjs';

const t = await truce();
const suiteDir = join(conformanceDir, 'rfc8785');
const nodeSha256 = (data) => createHash('sha256').update(data).digest('hex');

// Seeded, so every run sees the same cases.
function generator(seed) {
  const { next, pick } = seededRandom(seed);
  const choose = (items) => items[pick(0, items.length - 1)];
  const bits = new DataView(new ArrayBuffer(8));
  // Any finite double, from a random bit pattern.
  const anyDouble = () => {
    for (;;) {
      bits.setUint32(0, Math.floor(next() * 2 ** 32));
      bits.setUint32(4, Math.floor(next() * 2 ** 32));
      const x = bits.getFloat64(0);
      if (Number.isFinite(x)) return x;
    }
  };
  const number = () =>
    choose([
      () => pick(-1000, 1000),
      () => pick(0, 2 ** 31) * 2 ** pick(0, 40), // integers up to and past 2^53
      () => pick(-9999, 9999) / choose([10, 100, 1000, 7]),
      anyDouble,
      anyDouble,
      () => 2 ** pick(-1074, 1023) * choose([1, -1]),
      () => choose([0, -0, 5e-324, -5e-324, 1.7976931348623157e308, 2.2250738585072014e-308, Number.MAX_SAFE_INTEGER,
        2 ** 53 + 2, 1e21, 999999999999999900000, 1e-6, 1e-7, 0.1, 0.2 + 0.1, 123456789012345680000]),
    ])();
  // Characters that sort or escape differently: U+FFFD / U+E000 (one UTF-16
  // unit) against astral characters (two units D800..DBFF that sort first),
  // controls, quotes, combining marks, integer-like names (which JS objects
  // put first).
  const pieces = ['a', 'B', 'z', '1', '10', '2', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u0080', 'é',
    'e\u0301', '\u2028', '\ud7ff', '\ue000', '\ufb33', '\ufffd', '\uffff', '\u{10000}', '\u{1F600}', '\u{1F602}', '\u{10FFFF}', ' '];
  const text = (max = 4) => Array.from({ length: pick(0, max) }, () => choose(pieces)).join('');
  const value = (depth) => {
    switch (depth > 0 ? pick(0, 7) : pick(2, 7)) {
      case 0: {
        const object = {};
        for (let i = pick(0, 6); i > 0; i -= 1) object[text(3)] = value(depth - 1);
        return object;
      }
      case 1:
        return Array.from({ length: pick(0, 5) }, () => value(depth - 1));
      case 2:
        return text(6);
      case 3:
        return choose([true, false, null]);
      default:
        return number();
    }
  };
  return { next, pick, anyDouble, text, value };
}

// Rebuilds every object with its members in reverse insertion order (integer-
// like names stay first, as JS objects order them; the others do reverse).
function reversed(value) {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]));
}

// --- RFC 8785 suite ---------------------------------------------------------

const suiteFiles = readdirSync(join(suiteDir, 'input')).filter((name) => name.endsWith('.json')).sort();

test('rfc8785 suite has files', () => assert.ok(suiteFiles.length >= 6, `found ${suiteFiles.length} in ${suiteDir}`));

for (const file of suiteFiles) {
  test(`rfc8785: ${file}`, () => {
    const input = readFileSync(join(suiteDir, 'input', file), 'utf8');
    const expected = readFileSync(join(suiteDir, 'output', file));
    const hex = readFileSync(join(suiteDir, 'outhex', file.replace(/\.json$/, '.txt')), 'utf8');
    const actual = t.canonicalJSON(JSON.parse(input));
    assert.equal(actual, expected.toString('utf8'));
    assert.deepEqual(Buffer.from(actual, 'utf8'), Buffer.from(hex.trim().split(/\s+/).map((byte) => parseInt(byte, 16))));
  });
}

// The README's es6testfile100m.txt generator ("<hex bits>,<Number::toString>\n"
// per line) against its published hashes: the WASM module's number formatting
// must print what V8 prints.
test('rfc8785: the first 100,000 lines of the ES6 number test file', () => {
  const readme = readFileSync(join(suiteDir, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf('staticU64s = new BigUint64Array(['), readme.indexOf('staticF64s'));
  const fixed = [...block.matchAll(/0x([0-9a-f]{16})n/g)].map((m) => BigInt(`0x${m[1]}`));
  assert.equal(fixed.length, 168, 'fixed values in the README');

  const lines = 100000;
  const bits = new BigUint64Array(lines);
  let count = 0;
  for (const value of fixed) bits[count++] = value;
  for (let i = 0; i < 2000; i += 1) bits[count++] = 0x0010000000000000n + BigInt(i);
  let block64 = new Float64Array(0);
  let chain = Buffer.alloc(32);
  while (count < lines) {
    if (block64.length === 0) {
      chain = createHash('sha256').update(chain).digest();
      block64 = new Float64Array(chain.buffer.slice(chain.byteOffset, chain.byteOffset + 32));
    }
    const x = block64[0];
    block64 = block64.subarray(1);
    if (x !== 0 && Number.isFinite(x)) bits[count++] = new BigUint64Array(new Float64Array([x]).buffer)[0];
  }
  const doubles = new Float64Array(bits.buffer);
  const printed = t.canonicalJSON(Array.from(doubles)).slice(1, -1).split(',');
  const published = [
    [1000, 'be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687'],
    [10000, 'b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892'],
    [100000, '22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7'],
  ];
  let text = '';
  let at = 0;
  for (const [upTo, sha256] of published) {
    for (; at < upTo; at += 1) text += `${bits[at].toString(16)},${printed[at]}\n`;
    assert.equal(nodeSha256(text), sha256, `${upTo} lines`);
  }
});

// --- Differential: the canonicalize package --------------------------------

test('canonicalJSON agrees with the canonicalize package on 4,000 random values', () => {
  const gen = generator(8785);
  for (let round = 0; round < 4000; round += 1) {
    const value = gen.value(4);
    const expected = canonicalize(value);
    assert.equal(t.canonicalJSON(value), expected, `round ${round}: ${expected}`);
    assert.equal(t.canonicalJSON(reversed(value)), expected, `round ${round}, reversed`);
  }
});

test('canonicalJSON agrees with the canonicalize package on 50,000 random doubles', () => {
  const gen = generator(1074);
  for (let round = 0; round < 10; round += 1) {
    const doubles = Array.from({ length: 5000 }, gen.anyDouble);
    assert.equal(t.canonicalJSON(doubles), canonicalize(doubles), `round ${round}`);
  }
});

test('canonicalJSON sorts by UTF-16 code units', () => {
  assert.equal(t.canonicalJSON({ '\ufffd': 1, '\u{1F600}': 2, '\ue000': 3, a: 4 }), '{"a":4,"\u{1F600}":2,"\ue000":3,"\ufffd":1}');
  // Integer-like names come first in a JS object, not in canonical JSON.
  assert.equal(t.canonicalJSON({ b: 1, 10: 2, 2: 3, a: 4 }), '{"10":2,"2":3,"a":4,"b":1}');
});

test('canonicalJSON reads values as JSON.stringify does', () => {
  assert.equal(t.canonicalJSON({ at: new Date(Date.UTC(2026, 0, 19)), gone: undefined, f() {} }), '{"at":"2026-01-19T00:00:00.000Z"}');
  assert.equal(t.canonicalJSON([undefined, () => 1, Symbol('s')]), '[null,null,null]');
  assert.equal(t.canonicalJSON(-0), '0');
  assert.equal(t.canonicalJSON(2 ** 53 + 2), '9007199254740994');
  assert.equal(t.canonicalJSON('\u2028\u007f'), '"\u2028\u007f"');
});

function assertTruceError(run, code, details = {}) {
  assert.throws(run, (error) => {
    assert.ok(error instanceof TruceError, `expected a TruceError, got ${error}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.status, 400);
    for (const [name, value] of Object.entries(details)) assert.equal(error.details[name], value, name);
    return true;
  });
}

test('canonicalJSON refuses what RFC 8785 and JSON cannot hold', () => {
  for (const bad of [NaN, Infinity, -Infinity, { a: [1, NaN] }, 1n, { big: 2n }]) {
    assertTruceError(() => t.canonicalJSON(bad), 'INVALID_ARGUMENT');
  }
  for (const bad of ['\ud800', 'a\udc00b', { '\ud83d': 1 }, ['ok', '\ude00\ud83d']]) {
    assertTruceError(() => t.canonicalJSON(bad), 'INVALID_JSON');
  }
  const cycle = {};
  cycle.self = cycle;
  for (const bad of [cycle, undefined, () => 1, Symbol('s')]) assertTruceError(() => t.canonicalJSON(bad), 'INVALID_ARGUMENT');
});

// --- SHA-256 against node:crypto --------------------------------------------

test('sha256Hex matches node:crypto for every length 0..200 and random text', () => {
  const pattern = Array.from({ length: 200 }, (_, i) => String.fromCharCode(32 + ((i * 37 + 11) % 95))).join('');
  for (let length = 0; length <= 200; length += 1) {
    const text = pattern.slice(0, length);
    assert.equal(t.sha256Hex(text), nodeSha256(text), `length ${length}`);
  }
  const gen = generator(180);
  for (let round = 0; round < 2000; round += 1) {
    const text = gen.text(gen.pick(0, 80));
    assert.equal(t.sha256Hex(text), nodeSha256(text), JSON.stringify(text));
  }
  assert.equal(t.sha256Hex('a'.repeat(1000000)), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
});

test('sha256Hex hashes lone surrogates as U+FFFD, like TextEncoder and node:crypto', () => {
  for (const text of ['\ud800', 'a\udc00b', '\ude00\ud83d', `x\ud83d`]) {
    assert.equal(t.sha256Hex(text), nodeSha256(text), JSON.stringify(text));
    assert.equal(t.sha256Hex(text), nodeSha256(new TextEncoder().encode(text)), JSON.stringify(text));
  }
  assertTruceError(() => t.sha256Hex(5), 'INVALID_ARGUMENT');
});

// --- Fingerprints -------------------------------------------------------------

test('fingerprint is the SHA-256 of the canonical request, whatever the key order', () => {
  const gen = generator(9110);
  for (let round = 0; round < 1000; round += 1) {
    const body = gen.value(3);
    const method = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'post'][gen.pick(0, 5)];
    const path = `/orders/${gen.text(3)}`;
    const expected = nodeSha256(canonicalize({ method, path, body }));
    assert.equal(t.fingerprint(method, path, body), expected, `round ${round}`);
    assert.equal(t.fingerprint(method, path, reversed(body)), expected, `round ${round}, reversed`);
  }
});

test('fingerprint is sensitive to array order, method case and the body', () => {
  const body = { items: [{ sku: 'A1', qty: 2 }, { sku: 'B2', qty: 1 }], note: 'é 😀' };
  const base = t.fingerprint('POST', '/orders', body);
  assert.equal(base, t.fingerprint('POST', '/orders', { note: 'é 😀', items: [{ qty: 2, sku: 'A1' }, { qty: 1, sku: 'B2' }] }));
  assert.notEqual(base, t.fingerprint('POST', '/orders', { ...body, items: [...body.items].reverse() }));
  assert.notEqual(base, t.fingerprint('post', '/orders', body));
  assert.notEqual(base, t.fingerprint('POST', '/orders/', body));
  assert.notEqual(base, t.fingerprint('POST', '/orders', { ...body, note: 'e\u0301 😀' }));
  // No body: undefined and null are the same request.
  assert.equal(t.fingerprint('DELETE', '/orders/42'), t.fingerprint('DELETE', '/orders/42', null));
  assert.equal(t.fingerprint('DELETE', '/orders/42'), nodeSha256('{"body":null,"method":"DELETE","path":"/orders/42"}'));
});

test('fingerprint refuses bad arguments', () => {
  assertTruceError(() => t.fingerprint(undefined, '/x'), 'INVALID_ARGUMENT');
  assertTruceError(() => t.fingerprint('GET', 7), 'INVALID_ARGUMENT');
  assertTruceError(() => t.fingerprint('GET', '/x', { n: NaN }), 'INVALID_ARGUMENT', { argument: 'body' });
  assertTruceError(() => t.fingerprint('GET', '/\ud800'), 'INVALID_JSON', { argument: 'path' });
  assertTruceError(() => t.fingerprint('G\udc00', '/'), 'INVALID_JSON', { argument: 'method' });
});

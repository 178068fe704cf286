// Hostile input through the JS package: every limit of docs/limits.md,
// texts that are not UTF-8, numbers a double cannot hold, a 100 MB text, the
// module running out of memory, 100,000 calls leaving the heap as they found
// it, prototype keys from untrusted JSON, no eval in the package, and the
// host's limits over real sockets. The native side is
// tests/core/limits_test.cpp; the shared cases are tests/vectors/limits.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { init, TruceError } from 'truce';
import { truce } from './helpers.mjs';
import { startHost } from './host-process.mjs';

const MiB = 1 << 20;

const limitError = (limit, extra = {}) => (error) => {
  assert.ok(error instanceof TruceError, `expected a TruceError, got ${error}`);
  assert.equal(error.code, 'LIMIT_EXCEEDED', error.message);
  assert.equal(error.status, 413);
  assert.equal(error.details.limit, limit, error.message);
  for (const [name, value] of Object.entries(extra)) assert.deepEqual(error.details[name], value, name);
  return true;
};
const jsonError = (details) => (error) => {
  assert.ok(error instanceof TruceError, `expected a TruceError, got ${error}`);
  assert.equal(error.code, 'INVALID_JSON', error.message);
  if (details) assert.deepEqual(error.details, details, error.message);
  return true;
};

test('the default limits are the documented ones', async () => {
  const t = await truce();
  assert.deepEqual(t.limits, {
    maxDepth: 1000,
    maxBytes: 64 * MiB,
    maxStringBytes: 16 * MiB,
    maxKeyBytes: 64 * 1024,
    maxArrayItems: 1000000,
    maxObjectMembers: 1000000,
  });
  assert.ok(Object.isFrozen(t.limits));
});

test('each parse limit holds at its default, with the core offsets', async () => {
  const t = await truce();
  const string = JSON.stringify(['x'.repeat(t.limits.maxStringBytes + 1)]);
  assert.throws(() => t.mergeJSON('[]', string, '[]'), limitError('string_bytes', { max: 16 * MiB, offset: 1, side: 'mine' }));
  assert.throws(() => t.merge([], ['x'.repeat(16 * MiB + 1)], []), limitError('string_bytes'));
  assert.equal(t.mergeJSON('[]', JSON.stringify(['x'.repeat(16 * MiB)]), '[]').clean, true);

  const key = `{"${'k'.repeat(64 * 1024 + 1)}":1}`;
  assert.throws(() => t.mergeJSON(key, '{}', '{}'), limitError('key_bytes', { max: 65536, offset: 1, side: 'base' }));
  assert.throws(() => t.diff({ ['k'.repeat(64 * 1024 + 1)]: 1 }, {}), limitError('key_bytes'));

  const items = (n) => `[${'0,'.repeat(n - 1)}0]`;
  assert.throws(() => t.mergeJSON('[]', '[]', items(1000001)), limitError('array_items', { offset: 2000000, side: 'theirs' }));
  assert.throws(() => t.applyMergePatch({}, { a: new Array(1000001).fill(0) }), limitError('array_items'));
  assert.equal(t.mergeJSON(items(1000000), items(1000000), items(1000000)).clean, true);

  const members = (n) => `{${'"a":0,'.repeat(n - 1)}"a":0}`;
  assert.throws(() => t.mergeJSON(members(1000001), '{}', '{}'), limitError('object_members', { offset: 6000000 }));

  const deep = (n) => '['.repeat(n) + ']'.repeat(n);
  assert.throws(() => t.mergeJSON(deep(1001), '[]', '[]'), limitError('depth', { max: 1000, offset: 1000 }));
  assert.equal(t.mergeJSON(deep(1000), '[]', '[]').mergedText, '[]');
});

test('mergeJSON takes its parse limits from the limits option', async () => {
  const t = await truce();
  const merge = (mine, limits) => t.mergeJSON('{}', mine, '{}', { limits, onConflict: 'mine' });
  assert.throws(() => merge('{"a":"four"}', { maxStringBytes: 3 }), limitError('string_bytes', { max: 3, offset: 5, side: 'mine' }));
  assert.throws(() => merge('{"abcd":1}', { maxKeyBytes: 3 }), limitError('key_bytes', { offset: 1 }));
  assert.throws(() => merge('{"a":[1,2]}', { maxArrayItems: 1 }), limitError('array_items', { offset: 7 }));
  assert.throws(() => merge('{"a":1,"b":2}', { maxObjectMembers: 1 }), limitError('object_members', { offset: 6 }));
  assert.throws(() => merge('{"a":{}}', { maxDepth: 1 }), limitError('depth', { offset: 5 }));
  // maxBytes is checked in JS before the text is copied, then by the core for the exact size.
  assert.throws(() => merge('{"a":1}', { maxBytes: 6 }), limitError('bytes', { max: 6, side: 'mine' }));
  const multibyte = `{"a":"${'é'.repeat(3000)}"}`; // 3,008 UTF-16 units, 6,008 bytes
  assert.throws(() => merge(multibyte, { maxBytes: 5000 }), limitError('bytes', { max: 5000, actual: 6008, side: 'mine' }));
  assert.equal(merge(multibyte, { maxBytes: 7000 }).clean, true);
  // A larger limit than the default lets a larger text through.
  const long = JSON.stringify({ s: 'x'.repeat(20 * MiB) });
  assert.throws(() => merge(long), limitError('string_bytes'));
  assert.equal(merge(long, { maxStringBytes: 32 * MiB }).mergedText.length, long.length);
  assert.throws(() => merge('{}', { maxWidth: 1 }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => merge('{}', { maxDepth: 0 }), { code: 'INVALID_ARGUMENT' });
});

test('JSON Patch operation count and copied values, ledger size and key length', async () => {
  const t = await truce();
  assert.throws(() => t.applyPatch({}, new Array(100001).fill(0)), limitError('operations', { max: 100000, actual: 100001 }));
  assert.throws(() => t.rebase(new Array(100001).fill(0), {}, {}), limitError('operations'));
  const copies = Array.from({ length: 60 }, () => ({ op: 'copy', from: '', path: '/x/-' }));
  assert.throws(() => t.applyPatch({ x: [1] }, copies), limitError('copied_values', { max: 1000000 }));

  const ledger = t.createLedger({ maxEntries: 1 });
  try {
    const fingerprint = t.fingerprint('POST', '/a', {});
    assert.equal(ledger.begin('s', t.newIdempotencyKey(), fingerprint, 1).kind, 'proceed');
    assert.throws(() => ledger.begin('s', t.newIdempotencyKey(), fingerprint, 2), limitError('idempotency_entries', { max: 1 }));
  } finally {
    ledger.dispose();
  }
  const key = Array.from({ length: 256 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz0123456789'[(i * 7 + (i >> 3)) % 36]).join('');
  assert.equal(t.checkKey(key.slice(0, 255)).valid, true);
  assert.deepEqual(t.checkKey(key), { valid: false, problem: 'too_long' });
});

test('a 100 MB text is refused at once, before the module sees a byte of it', async () => {
  const t = await truce();
  const huge = 'x'.repeat(100 * MiB);
  const heapBefore = t.memoryUsage().heapBytes;
  const start = performance.now();
  assert.throws(() => t.mergeJSON('{}', huge, '{}'), limitError('bytes', { max: 64 * MiB, side: 'mine' }));
  assert.ok(performance.now() - start < 50, `took ${performance.now() - start} ms`);
  // Objects: JSON.stringify must run, but nothing is encoded or copied after it.
  assert.throws(() => t.merge({}, { huge }, {}), limitError('bytes'));
  assert.throws(() => t.canonicalJSON({ huge }), limitError('bytes'));
  assert.equal(t.memoryUsage().heapBytes, heapBefore);
  assert.equal(t.merge({ a: 1 }, { a: 2 }, { a: 1 }).merged.a, 2);
});

test('lone surrogates are INVALID_JSON in every entry point, never a changed string', async () => {
  const t = await truce();
  // Emscripten's embind encoder used to fuse a lone surrogate with the next
  // character: '"\uD800a"' merged into '"\u{10061}"'.
  for (const text of ['"\uD800a"', '"a\uDC00"', '{"k\uD83D":1}', `{"pad":"${'p'.repeat(5000)}","s":"\uDFFF"}`]) {
    const offset = new TextEncoder().encode(text.slice(0, text.search(/\p{Surrogate}/u))).length;
    assert.throws(() => t.mergeJSON('{}', text, '{}'), jsonError({ offset, side: 'mine' }), JSON.stringify(text.slice(0, 20)));
  }
  // Objects cross as JSON.stringify writes them: a lone surrogate becomes a
  // \ud800 escape, which the core refuses as it does natively.
  const hostile = { s: 'a\uD800b' };
  const key = { ['k\uDC00']: 1 };
  const calls = {
    merge: () => t.merge({}, hostile, {}),
    mergeKey: () => t.merge({}, key, {}),
    resolve: () => t.resolve({ merged: hostile, conflicts: [] }, {}),
    diff: () => t.diff({}, hostile),
    applyPatch: () => t.applyPatch({}, [{ op: 'add', path: '/s', value: hostile.s }]),
    applyMergePatch: () => t.applyMergePatch({}, hostile),
    createMergePatch: () => t.createMergePatch({}, key),
    rebase: () => t.rebase([{ op: 'add', path: '/s', value: hostile.s }], {}, {}),
    canonicalJSON: () => t.canonicalJSON(hostile),
    fingerprint: () => t.fingerprint('POST', '/\uD800', null),
    checkKey: () => t.checkKey('0123456789abcdef\uD800'),
    normalizeTimestamp: () => t.normalizeTimestamp('2024-01-01T00:00:00Z\uD800'),
  };
  for (const [name, run] of Object.entries(calls)) assert.throws(run, jsonError(), name);
  // Well-formed text outside the BMP goes through every path unchanged.
  const emoji = 'a\u{1F600}b\u{10FFFF}';
  assert.equal(t.merge({}, { s: emoji }, {}).merged.s, emoji);
  assert.equal(JSON.parse(t.mergeJSON('{}', JSON.stringify({ s: emoji }), '{}').mergedText).s, emoji);
  const long = JSON.stringify({ s: emoji.repeat(2000) });
  assert.equal(t.mergeJSON('{}', long, '{}').mergedText, long);
});

test('numbers: beyond a double is INVALID_JSON; -0 and huge integers are documented', async () => {
  const t = await truce();
  assert.throws(() => t.mergeJSON('{"a":1e400}', '{}', '{}'), jsonError({ offset: 5, side: 'base' }));
  assert.throws(() => t.mergeJSON('{}', '[-1e400]', '{}'), jsonError({ offset: 1, side: 'mine' }));
  assert.throws(() => t.mergeJSON('{}', `[1${'0'.repeat(400)}]`, '{}'), jsonError());
  const same = (text) => t.mergeJSON(text, text, text).mergedText;
  assert.equal(same('[-0,-0.0,1e-400]'), '[0,-0.0,0.0]');
  // The text path keeps 64-bit integers exact; past them, the nearest double.
  assert.equal(same('[18446744073709551615,-9223372036854775808,9007199254740993]'), '[18446744073709551615,-9223372036854775808,9007199254740993]');
  assert.equal(same('[18446744073709551616]'), '[1.8446744073709552e+19]');
  // Objects are JS numbers already: -0 crosses as 0 (JSON.stringify), and a
  // non-finite number as null, which is what JSON.stringify makes of it.
  assert.ok(Object.is(t.merge({ n: 1 }, { n: -0 }, { n: 1 }).merged.n, 0));
  assert.equal(t.merge({ n: 1 }, { n: 9007199254740993 }, { n: 1 }).merged.n, 9007199254740992);
  assert.throws(() => t.canonicalJSON({ n: Infinity }), { code: 'INVALID_ARGUMENT' });
});

test('running out of WebAssembly memory is OUT_OF_MEMORY, and the module stays usable', async (context) => {
  // A module of its own: this one's memory grows to its 2 GB maximum and
  // never shrinks, which the other tests should not have to share.
  const t = await init();
  // 14 million empty objects per side, 42 MB of text (within maxBytes), take
  // about 60 bytes each once parsed: three sides do not fit in 2 GB.
  const side = `[${new Array(14).fill(`[${'{},'.repeat(999999)}{}]`).join(',')}]`;
  assert.ok(side.length < t.limits.maxBytes);
  const start = performance.now();
  assert.throws(
    () => t.mergeJSON(side, side, side),
    (error) => error instanceof TruceError && error.code === 'OUT_OF_MEMORY' && error.status === 503,
  );
  const { heapBytes, inUseBytes } = t.memoryUsage();
  assert.ok(heapBytes > 1.5 * 1024 * MiB, `the memory grew to ${heapBytes} bytes`);
  assert.ok(inUseBytes < MiB, `${inUseBytes} bytes still in use after the failed call`);
  assert.deepEqual(t.merge({ a: 1, b: 1 }, { a: 2, b: 1 }, { a: 1, b: 3 }).merged, { a: 2, b: 3 });
  assert.equal(t.mergeJSON('[1]', '[1,2]', '[0,1]').mergedText, '[0,1,2]');
  context.diagnostic(`out of memory after ${Math.round(performance.now() - start)} ms at ${heapBytes} bytes`);
});

test('100,000 calls leave the heap as they found it', async (context) => {
  const t = await truce();
  const long = JSON.stringify({ s: 'x'.repeat(5000), n: 1 });
  assert.ok(long.length >= 4096);
  const rounds = [
    () => t.merge({ a: 1, t: [1, 2] }, { a: 2, t: [1, 2, 3] }, { a: 1, b: 'x', t: [0, 1, 2] }),
    () => t.merge({ a: 1 }, { a: 2 }, { a: 3 }),
    () => t.mergeJSON('{"a":1}', '{"a":2}', '{"a":1,"b":2}'),
    () => t.mergeJSON(long, long, long), // through the module's memory
    () => t.applyPatch({ a: 1 }, [{ op: 'copy', from: '/a', path: '/b' }]),
    () => t.canonicalJSON({ b: 1, a: [1.5, 'x'] }),
    () => t.fingerprint('PUT', '/api/docs/a', { a: 1 }),
    () => assert.throws(() => t.diff({}, { s: '\uD800' })),
    () => assert.throws(() => t.mergeJSON('{', '{}', '{}')),
    () => t.createLedger().dispose(),
  ];
  for (const run of rounds) run(); // first-use allocations
  const before = t.memoryUsage();
  for (let i = 0; i < 100000; i += 1) rounds[i % rounds.length]();
  const after = t.memoryUsage();
  context.diagnostic(`heap in use ${before.inUseBytes} -> ${after.inUseBytes} bytes, memory ${before.heapBytes} -> ${after.heapBytes}`);
  assert.ok(after.inUseBytes <= before.inUseBytes + 16 * 1024, `${after.inUseBytes - before.inUseBytes} bytes more in use`);
  assert.equal(after.heapBytes, before.heapBytes);
});

test('__proto__, constructor and prototype keys stay plain data in every result', async () => {
  const t = await truce();
  const hostileText = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"n":1}';
  const hostile = JSON.parse(hostileText); // JSON.parse makes own properties, as an HTTP client would
  const edited = JSON.parse(hostileText.replace('"n":1', '"n":2').replace('"yes"', '"theirs"'));
  const patch = [
    { op: 'add', path: '/__proto__/polluted', value: 'yes' },
    { op: 'add', path: '/constructor/prototype/polluted', value: 'yes' },
  ];
  const merged = t.merge({}, hostile, edited);
  const conflicted = t.merge({ n: 0 }, hostile, edited);
  const results = {
    merge: merged.merged,
    mergeConflicts: conflicted.conflicts.find((c) => c.path === '/__proto__')?.mine,
    mergeJSON: JSON.parse(t.mergeJSON('{}', hostileText, '{}').mergedText),
    resolve: t.resolve(conflicted, Object.fromEntries(conflicted.conflicts.map((c) => [c.path, 'mine']))),
    diff: t.applyPatch({}, t.diff({}, hostile)),
    applyPatch: t.applyPatch(hostile, patch),
    applyMergePatch: t.applyMergePatch({}, hostile),
    createMergePatch: t.createMergePatch({}, hostile),
    rebase: t.rebase(patch, hostile, edited).merged,
    canonicalJSON: JSON.parse(t.canonicalJSON(hostile)),
  };
  assert.equal(({}).polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
  for (const [name, result] of Object.entries(results)) {
    assert.ok(result && typeof result === 'object', `${name}: ${JSON.stringify(result)}`);
    assert.equal(Object.getPrototypeOf(result), Object.prototype, name);
    if (name === 'mergeConflicts') continue; // the value under /__proto__ itself
    for (const key of ['__proto__', 'constructor', 'prototype'])
      assert.ok(Object.hasOwn(result, key), `${name} lost its own ${key}`);
    assert.equal(typeof result.__proto__.polluted, 'string', name);
  }
  assert.equal(results.mergeConflicts.polluted, 'yes');
  assert.deepEqual(Object.keys(results.merge), ['__proto__', 'constructor', 'prototype', 'n']);
});

test('the package runs no eval and builds no Function from text', () => {
  const dirs = ['src', 'dist'];
  const forbidden = /\beval\s*\(|\bnew\s+Function\b|(?<![\w.$])Function\s*\(|\bsetTimeout\s*\(\s*['"`]/;
  const scanned = [];
  for (const dir of dirs) {
    const folder = new URL(`../${dir}/`, import.meta.url);
    for (const name of readdirSync(folder).filter((n) => /\.(m?js|cjs)$/.test(n))) {
      const text = readFileSync(new URL(name, folder), 'utf8');
      const found = forbidden.exec(text);
      assert.equal(found, null, `${dir}/${name}: ${found && text.slice(Math.max(0, found.index - 40), found.index + 40)}`);
      scanned.push(`${dir}/${name}`);
    }
  }
  for (const file of ['dist/truce-node.cjs', 'dist/truce-web.mjs', 'dist/index.cjs', 'dist/browser.mjs', 'src/api.mjs'])
    assert.ok(scanned.includes(file), `${file} was not scanned`);
});

test('truce-host limits over real sockets', async () => {
  const host = await startHost(['--allow-unconditional', '--max-body-bytes', '1024', '--max-depth', '5', '--max-documents', '2']);
  try {
    const put = (id, body, headers = {}) =>
      fetch(host.api + id, { method: 'PUT', body, headers: { 'content-type': 'application/json', ...headers } });
    const problem = async (response, status, code) => {
      assert.equal(response.status, status);
      const body = await response.json();
      assert.equal(body.code, code, JSON.stringify(body));
      return body;
    };
    assert.equal((await problem(await put('a', JSON.stringify({ s: 'x'.repeat(2000) })), 413, 'LIMIT_EXCEEDED')).details.limit, 'body_bytes');
    assert.equal((await problem(await put('a', '[[[[[[]]]]]]'), 413, 'LIMIT_EXCEEDED')).details.limit, 'depth');
    assert.equal((await put('a', '{}')).status, 201);
    assert.equal((await put('b', '{}')).status, 201);
    await problem(await put('c', '{}'), 413, 'LIMIT_EXCEEDED'); // documents per tenant
    await problem(await put('d'.repeat(257), '{}'), 400, 'INVALID_ARGUMENT'); // id length
    await problem(await put('a', '{}', { 'x-tenant': 't'.repeat(65) }), 400, 'INVALID_ARGUMENT');
    await problem(await put('a', '{}', { 'idempotency-key': 'k'.repeat(100) + 'abcdefghij'.repeat(16) }), 400, 'IDEMPOTENCY_KEY_INVALID');
    // cpp-httplib's compiled-in limits: a header line or a request target
    // past 8 KiB is refused before routing, with its own bare statuses.
    assert.equal((await fetch(host.api + 'a', { headers: { 'x-big': 'a'.repeat(9000) } })).status, 400);
    assert.equal((await fetch(host.api + 'a'.repeat(9000))).status, 414);
    assert.equal((await fetch(host.api + 'a', { headers: { 'x-big': 'a'.repeat(7000) } })).status, 200);
  } finally {
    await host.stop();
  }
});

// The same order as tests/core/limits_test.cpp's OptionsThenSizesThenContents.
test('mergeJSON refuses in the core\'s order: options, then every size, then contents', async () => {
  const t = await truce();
  const limits = { maxBytes: 10 };
  const twelveBytes = '"\u00e9\u00e9\u00e9\u00e9\u00e9"'; // 7 UTF-16 units: its UTF-8 size decides
  assert.throws(() => t.mergeJSON('{bad', twelveBytes, '{}', { limits }),
    limitError('bytes', { max: 10, actual: 12, side: 'mine' }));
  assert.throws(() => t.mergeJSON('{bad', twelveBytes, '{}', { limits, x: 1 }),
    (error) => error instanceof TruceError && error.code === 'INVALID_ARGUMENT');
  assert.throws(() => t.mergeJSON('{bad', '{}', '{}', { limits }), (error) => error.details?.side === 'base');
});

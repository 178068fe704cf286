// Merging in JS: the laws as seeded properties, the JSON Patch conformance
// suite, deep input, and the string variant agreeing with the object one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TruceError } from 'truce';
import { truce, conformanceDir, seededRandom } from './helpers.mjs';

const t = await truce();

// Seeded, so every run sees the same cases.
function generator(seed) {
  const { next, pick } = seededRandom(seed);
  let nextId = 0;
  const key = () => 'abcdefgh'[pick(0, 7)];
  const scalar = () => [() => pick(0, 9), () => `s${pick(0, 9)}`, () => pick(0, 1) === 1, () => null, () => pick(0, 99) / 4][pick(0, 4)]();
  const item = () => ({ id: `t${nextId++}`, title: scalar(), n: pick(0, 5) });
  const value = (depth) => {
    if (depth <= 0) return scalar();
    switch (pick(0, 4)) {
      case 0: return document(depth);
      case 1: return Array.from({ length: pick(0, 6) }, item);
      case 2: return Array.from({ length: pick(0, 6) }, () => pick(0, 4));
      default: return scalar();
    }
  };
  const document = (depth = 3) => {
    const doc = {};
    for (let i = pick(1, 5); i > 0; i -= 1) doc[key()] = value(depth - 1);
    return doc;
  };
  const editArray = (array) => {
    const identity = array.length > 0 && typeof array[0] === 'object' && array[0] !== null && 'id' in array[0];
    const at = () => pick(0, array.length - 1);
    switch (pick(0, 3)) {
      case 0: array.splice(pick(0, array.length), 0, identity ? item() : pick(0, 4)); break;
      case 1: if (array.length) array.splice(at(), 1); break;
      case 2: if (array.length > 1) { const [moved] = array.splice(at(), 1); array.splice(pick(0, array.length), 0, moved); } break;
      default: if (array.length) { const i = at(); if (identity) array[i].title = scalar(); else array[i] = pick(0, 9); }
    }
  };
  const editIn = (node, depth) => {
    if (Array.isArray(node)) return editArray(node);
    const keys = Object.keys(node);
    if (keys.length && depth > 0 && pick(0, 2) > 0) {
      const k = keys[pick(0, keys.length - 1)];
      if (k !== 'id' && node[k] !== null && typeof node[k] === 'object') return editIn(node[k], depth - 1);
    }
    if (keys.length && pick(0, 2) === 0) {
      const k = keys[pick(0, keys.length - 1)];
      if (k !== 'id') delete node[k];
    } else {
      node[key()] = value(1);
    }
  };
  const edit = (doc) => {
    const copy = structuredClone(doc);
    for (let i = pick(1, 3); i > 0; i -= 1) editIn(copy, 4);
    return copy;
  };
  return { document, edit };
}

test('merge laws hold on random documents', () => {
  const gen = generator(20261123);
  for (let round = 0; round < 2000; round += 1) {
    const base = gen.document();
    const edited = gen.edit(base);
    const other = gen.edit(base);
    const keepMine = t.merge(base, edited, base);
    assert.ok(keepMine.clean, `round ${round}`);
    assert.deepEqual(keepMine.merged, edited);
    assert.deepEqual(t.merge(base, base, edited), { ...t.merge(base, base, edited), merged: edited, clean: true });
    const same = t.merge(base, edited, edited);
    assert.ok(same.clean);
    assert.deepEqual(same.merged, edited);
    // The string variant gives the same answer as the object one.
    const fromText = t.mergeJSON(JSON.stringify(base), JSON.stringify(edited), JSON.stringify(other));
    const fromObjects = t.merge(base, edited, other);
    assert.deepEqual(JSON.parse(fromText.mergedText), fromObjects.merged);
    assert.deepEqual(fromText.conflicts, fromObjects.conflicts);
    // apply(diff(a, b), a) == b
    assert.deepEqual(t.applyPatch(base, t.diff(base, other)), other);
  }
});

test('disjoint edits combine', () => {
  const gen = generator(7);
  for (let round = 0; round < 500; round += 1) {
    const base = { left: gen.document(), right: gen.document() };
    const mine = { ...base, left: gen.edit(base.left) };
    const theirs = { ...base, right: gen.edit(base.right) };
    const result = t.merge(base, mine, theirs);
    assert.ok(result.clean);
    assert.deepEqual(result.merged, { left: mine.left, right: theirs.right });
  }
});

for (const file of ['tests.json', 'spec_tests.json']) {
  test(`JSON Patch conformance: ${file}`, () => {
    const cases = JSON.parse(readFileSync(join(conformanceDir, 'json-patch-tests', file), 'utf8'));
    let ran = 0;
    for (const [index, spec] of cases.entries()) {
      if (spec.disabled) continue;
      ran += 1;
      const before = structuredClone(spec.doc);
      const label = `${file} #${index}: ${spec.comment ?? ''}`;
      if (spec.error) {
        assert.throws(() => t.applyPatch(spec.doc, spec.patch), (e) => e instanceof TruceError && /INVALID_(PATCH|POINTER)/.test(e.code), label);
        assert.deepEqual(spec.doc, before, label);
      } else if ('expected' in spec) {
        assert.deepEqual(t.applyPatch(spec.doc, spec.patch), spec.expected, label);
      } else {
        t.applyPatch(spec.doc, spec.patch);
      }
    }
    assert.ok(ran > 10);
  });
}

test('a 100,000-deep document is LIMIT_EXCEEDED, never a crash, and the module stays usable', () => {
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  assert.throws(() => t.mergeJSON(deep, deep, '[]'), { code: 'LIMIT_EXCEEDED' });
  assert.throws(() => t.mergeJSON('{"a": tru}', '{}', '{}'), (e) => e.code === 'INVALID_JSON' && e.details.side === 'base' && e.details.offset === 9);
  assert.deepEqual(t.merge({ a: 1 }, { a: 2 }, { a: 1 }).merged, { a: 2 });
});

test('copy ops that would double the document over and over are LIMIT_EXCEEDED', () => {
  const patch = Array.from({ length: 60 }, () => ({ op: 'copy', from: '', path: '/x/-' }));
  assert.throws(() => t.applyPatch({ x: [1, 2, 3] }, patch), (e) => e.code === 'LIMIT_EXCEEDED' && e.details.limit === 'copied_values' && e.details.index < 25);
  assert.deepEqual(t.applyPatch({ a: [1] }, [{ op: 'copy', from: '/a', path: '/b' }]), { a: [1], b: [1] });
});

test('mergeJSON keeps key order and formatting choices of the core', () => {
  const result = t.mergeJSON('{"b":1,"a":1}', '{"b":1,"a":2,"2":0}', '{"a":1,"b":1,"c":1}');
  // Mine's new key follows its predecessor ("a"); a JS object would have hoisted "2" to the front.
  assert.equal(result.mergedText, '{"a":2,"2":0,"b":1,"c":1}');
  assert.equal(result.clean, true);
  assert.throws(() => t.mergeJSON({}, '{}', '{}'), { code: 'INVALID_ARGUMENT' });
});

test('mergeJSON reads non-ASCII text exactly, refuses a lone surrogate as INVALID_JSON, and stays usable', () => {
  const result = t.mergeJSON('{"t":"café"}', '{"t":"café ☕ 𝄞"}', '{"t":"café","n":"ñ"}');
  assert.equal(result.mergedText, '{"t":"café ☕ 𝄞","n":"ñ"}');
  assert.throws(() => t.mergeJSON('{"t":"\ud800"}', '{}', '{}'), // a lone surrogate in the JS string itself
    (e) => e.code === 'INVALID_JSON' && e.details.side === 'base');
  const big = JSON.stringify({ items: Array.from({ length: 20000 }, (_, id) => ({ id, title: `τ${id}` })) });
  assert.equal(t.mergeJSON(big, big, '{}').mergedText, '{}');
});

test('merge of long documents answers as mergeJSON does, and refuses as the argument array does', () => {
  // Long documents cross as three texts merged by merge_json, not as one
  // argument array parsed whole; the answer must not show the difference.
  const items = Array.from({ length: 300 }, (_, i) => ({ id: `t${i}`, title: `task ${i}`, tags: ['a', 'b'] }));
  const base = { tasks: items };
  const mine = { tasks: items.map((item, i) => (i === 5 ? { ...item, title: 'mine' } : item)) };
  const theirs = { tasks: [...items.slice(0, 5), { ...items[5], title: 'theirs' }, ...items.slice(6), { id: 'new' }] };
  const viaObjects = t.merge(base, mine, theirs);
  const viaTexts = t.mergeJSON(JSON.stringify(base), JSON.stringify(mine), JSON.stringify(theirs));
  assert.deepEqual(viaObjects.merged, JSON.parse(viaTexts.mergedText));
  assert.deepEqual(viaObjects.conflicts, viaTexts.conflicts);
  assert.deepEqual(viaObjects.stats, viaTexts.stats);
  assert.equal(viaObjects.conflicts[0].path, '/tasks/5/title');
  // A lone surrogate (JSON.stringify writes it as an escape): refused where the
  // argument array holds it, without a side, as for short documents.
  const bad = { tasks: items, s: 'x\uD800' };
  assert.throws(() => t.merge(base, bad, theirs), (e) =>
    e.code === 'INVALID_JSON' && e.details.side === undefined && e.details.offset > JSON.stringify(base).length + 1);
  assert.throws(() => t.merge(base, mine, theirs, { maxDepth: 0 }), { code: 'INVALID_ARGUMENT' });
});

test('long texts cross into the module whole, wherever their non-ASCII characters are', () => {
  // Texts of 4 KiB and more are encoded straight into the module's memory,
  // in a block sized for ASCII and a wider one from the first other character.
  const pad = 'x'.repeat(5000);
  for (const text of ['é at the start', `${'a'.repeat(4990)} 😀 past the first block's worth`, '😀'.repeat(3000), 'ascii only']) {
    const base = JSON.stringify({ pad, s: text, n: 1 });
    const mine = JSON.stringify({ pad, s: text, n: 2 });
    const theirs = JSON.stringify({ pad, s: `${text} ☕`, n: 1 });
    assert.ok(base.length >= 4096);
    const result = t.mergeJSON(base, mine, theirs);
    assert.equal(result.mergedText, JSON.stringify({ pad, s: `${text} ☕`, n: 2 }));
    assert.equal(result.clean, true);
  }
});

test('hostile keys stay plain data', () => {
  const hostile = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
  const result = t.merge({}, hostile, { ok: 1 });
  assert.equal({}.polluted, undefined);
  assert.equal(Object.getPrototypeOf(result.merged), Object.prototype);
  assert.deepEqual(Object.keys(result.merged).sort(), ['__proto__', 'constructor', 'ok']);
});

test('resolve applies choices; rebase carries a patch onto the latest state', () => {
  const result = t.merge({ a: 1, b: 1 }, { a: 2, b: 2 }, { a: 3, b: 3 });
  assert.deepEqual(t.resolve(result, { '/a': 'mine', '/b': { value: 9 } }), { a: 2, b: 9 });
  const rebased = t.rebase([{ op: 'replace', path: '/title', value: 'new' }], { title: 'old', n: 1 }, { title: 'old', n: 2 });
  assert.deepEqual(rebased.merged, { title: 'new', n: 2 });
  assert.deepEqual(t.applyPatch({ title: 'old', n: 2 }, rebased.patch), rebased.merged);
});

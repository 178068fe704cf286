// Seeded random calls for the parity test (README.md). A scenario is what one
// user action asks of the library (a merge, a diff, a patch, a canonical
// form...); it becomes a few adapter calls whose argument bytes are fixed here,
// so the native runner and the WASM module receive exactly the same input.
//
// Documents are modelled with Map for objects (any key, "__proto__" included,
// in insertion order) and Num for numbers kept as their text (big integers,
// -0, 1e300 must reach the parser as written, not as JS rounded them), and
// written out by our own writer, which also varies whitespace and escapes.
import { seededRandom } from '../../js/test/helpers.mjs';

export class Num {
  constructor(text) {
    this.text = text;
  }
}

// One generator per scenario, so `--seed S --case I` rebuilds case I alone.
export function scenarioSeed(seed, index) {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function randomTools(seed) {
  const { next, pick } = seededRandom(seed);
  const choose = (items) => items[pick(0, items.length - 1)];
  const chance = (p) => next() < p;
  return { next, pick, choose, chance };
}

const WORDS = 'alpha beta gamma delta todo done review ship fix bug api user cache page sync merge'.split(' ');
// Member names that escape in JSON Pointer ("/", "~"), sort or escape
// differently, or mean something to JS objects.
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'tags', 'count', 'notes', 'items', 'a/b', 'c~d', '~1', '/', '', ' ',
  'é', 'ü/~0', '__proto__', 'constructor', '0', '10', '-', '\u{1F600}', 'line\nbreak', 'q"uote'];
const STRING_PIECES = ['a', 'B', 'z', '1', ' ', '"', '\\', '/', '\n', '\t', '\r', '\u0000', '\u001f', '\u007f', '\u0080',
  'é', 'e\u0301', '\u2028', '\ud7ff', '\ue000', '\ufffd', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}', '~', '~0', '~1',
  '日本', 'Ωμέγα'];
const SPECIAL_NUMBERS = ['0', '-0', '0.0', '-0.0', '0.1', '0.30000000000000004', '1.0', '1e2', '1E+2', '1e-7', '1e21',
  '1e300', '-1e300', '1e308', '1.7976931348623157e308', '2.2250738585072014e-308', '5e-324', '4.9e-324', '2e-324',
  '1e-400', '9007199254740991', '9007199254740993', '-9007199254740993', '9223372036854775807',
  '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551615',
  '18446744073709551616', '123456789012345678901234567890', '0.1e1', '100e-2', '3.14159265358979323846'];
// Past the range of a double: the whole text is refused, so kept rare.
const OUT_OF_RANGE = ['1e400', '-1e400', '1.8e308', '123e99999'];

function makeGenerator(r, idField = 'id') {
  let nextId = 0;
  const bits = new DataView(new ArrayBuffer(8));
  const anyDouble = () => {
    for (;;) {
      bits.setUint32(0, Math.floor(r.next() * 2 ** 32));
      bits.setUint32(4, Math.floor(r.next() * 2 ** 32));
      const x = bits.getFloat64(0);
      if (Number.isFinite(x)) return x;
    }
  };
  const number = () => {
    switch (r.pick(0, 5)) {
      case 0: return r.pick(0, 9);
      case 1: return r.pick(-1000, 1000);
      case 2: return r.pick(0, 99) / 4;
      case 3: return new Num(r.chance(0.02) ? r.choose(OUT_OF_RANGE) : r.choose(SPECIAL_NUMBERS));
      case 4: return new Num(String(anyDouble()));
      default: return r.pick(0, 2 ** 31) * 2 ** r.pick(0, 40);
    }
  };
  const word = () => r.choose(WORDS);
  const text = (max = 5) => Array.from({ length: r.pick(0, max) }, () => (r.chance(0.5) ? word() : r.choose(STRING_PIECES))).join('');
  const lines = () => `${Array.from({ length: r.pick(1, 6) }, () => `${word()} ${word()} ${word()}`).join('\n')}${r.chance(0.5) ? '\n' : ''}`;
  const string = () => (r.chance(0.25) ? lines() : text());
  const scalar = () => {
    switch (r.pick(0, 5)) {
      case 0: case 1: return number();
      case 2: case 3: return string();
      case 4: return r.chance(0.5);
      default: return null;
    }
  };
  const key = () => (r.chance(0.7) ? KEYS[r.pick(0, 9)] : r.choose(KEYS));
  // Mostly fresh ids; sometimes an id seen before (a duplicate) or a number.
  const id = () => {
    if (nextId > 0 && r.chance(0.05)) return `t${r.pick(0, nextId - 1)}`;
    if (r.chance(0.05)) return nextId++;
    return `t${nextId++}`;
  };
  const item = () => {
    const fields = new Map([[idField, id()], ['title', scalar()], ['n', r.pick(0, 5)]]);
    if (r.chance(0.3)) fields.set('tags', plainArray());
    return fields;
  };
  const identityArray = (max = 6) => Array.from({ length: r.pick(0, max) }, item);
  const plainArray = () => Array.from({ length: r.pick(0, 6) }, () => (r.chance(0.7) ? r.pick(0, 4) : scalar()));
  const value = (depth) => {
    if (depth <= 0) return scalar();
    switch (r.pick(0, 5)) {
      case 0: return object(depth);
      case 1: return identityArray();
      case 2: return plainArray();
      case 3: return r.chance(0.3) ? Array.from({ length: r.pick(0, 3) }, () => value(depth - 1)) : scalar();
      default: return scalar();
    }
  };
  const object = (depth = 3) => {
    const members = new Map();
    for (let i = r.pick(1, 5); i > 0; i -= 1) members.set(key(), value(depth - 1));
    return members;
  };
  // A board big enough that its text crosses the JS API's in-memory threshold.
  const large = () => {
    const tasks = Array.from({ length: r.pick(60, 200) }, () => {
      const task = item();
      task.set('description', lines());
      return task;
    });
    return new Map([['title', text()], ['tasks', tasks], ['notes', Array.from({ length: 40 }, lines).join('\n')]]);
  };

  const isIdentityArray = (array) => array.length > 0 && array[0] instanceof Map && array[0].has(idField);
  const editArray = (array, depth) => {
    const copy = array.slice();
    const at = () => r.pick(0, copy.length - 1);
    const identity = isIdentityArray(copy);
    switch (r.pick(0, 4)) {
      case 0: copy.splice(r.pick(0, copy.length), 0, identity ? item() : scalar()); break;
      case 1: if (copy.length) copy.splice(at(), 1); break;
      case 2: if (copy.length > 1) { const [moved] = copy.splice(at(), 1); copy.splice(r.pick(0, copy.length), 0, moved); } break;
      case 3: // the same id again with other content
        if (identity) {
          const twin = copy[at()];
          if (twin instanceof Map) copy.splice(r.pick(0, copy.length), 0, new Map(twin).set('title', scalar()));
        }
        break;
      default: if (copy.length) { const i = at(); copy[i] = edit(copy[i], depth - 1); }
    }
    return copy;
  };
  const editString = (textValue) => {
    if (!textValue.includes('\n') || r.chance(0.3)) return string();
    const parts = textValue.split('\n');
    const at = r.pick(0, parts.length - 1);
    switch (r.pick(0, 2)) {
      case 0: parts[at] = `${word()} ${word()}`; break;
      case 1: parts.splice(at, 0, word()); break;
      default: parts.splice(at, 1);
    }
    return parts.join('\n');
  };
  // A copy of `node` with one change somewhere inside it (or of its type).
  const edit = (node, depth = 4) => {
    if (r.chance(0.05)) return value(2);
    if (node instanceof Map) {
      const keys = [...node.keys()];
      const copy = new Map(node);
      if (keys.length && depth > 0 && r.chance(0.6)) {
        const k = r.choose(keys);
        if (k !== idField || r.chance(0.1)) copy.set(k, edit(node.get(k), depth - 1));
        return copy;
      }
      if (keys.length && r.chance(0.35)) {
        const k = r.choose(keys);
        if (k !== idField) copy.delete(k);
      } else {
        copy.set(key(), value(1));
      }
      return copy;
    }
    if (Array.isArray(node)) return editArray(node, depth);
    if (typeof node === 'string') return editString(node);
    if (typeof node === 'number' && r.chance(0.6)) return node + r.pick(-3, 3);
    return scalar();
  };
  const edits = (node, count = r.pick(1, 3)) => {
    let out = node;
    for (let i = 0; i < count; i += 1) out = edit(out);
    return out;
  };

  return { number, string, scalar, value, object, large, edit, edits, identityArray, text };
}

// JSON Pointers to every value inside `node` (array items by index).
const escapeSegment = (segment) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
function pointers(node, prefix = '', out = []) {
  out.push(prefix);
  if (out.length > 200) return out;
  if (node instanceof Map) for (const [k, v] of node) pointers(v, `${prefix}/${escapeSegment(k)}`, out);
  else if (Array.isArray(node)) node.forEach((v, i) => pointers(v, `${prefix}/${i}`, out));
  return out;
}

// --- Writing JSON text ------------------------------------------------------

const hex4 = (code, upper) => {
  const digits = code.toString(16).padStart(4, '0');
  return `\\u${upper ? digits.toUpperCase() : digits}`;
};
const SHORT_ESCAPES = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f' };

// A style per text: compact, or with whitespace between tokens, \u escapes,
// "\/" and the occasional duplicate member (the last one wins).
function writer(r) {
  const style = {
    spaces: r.chance(0.2),
    escapes: r.chance(0.2),
    duplicates: r.chance(0.05),
  };
  const gap = () => (style.spaces && r.chance(0.3) ? r.choose([' ', '\n', '\t', '\r\n', '  ']) : '');
  const quote = (s) => {
    let out = '"';
    for (const ch of s) {
      const code = ch.codePointAt(0);
      if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) out += hex4(code, r.chance(0.5)); // a lone surrogate has no UTF-8 form
      else if (style.escapes && r.chance(0.2)) {
        if (code > 0xffff) out += hex4(ch.charCodeAt(0), r.chance(0.5)) + hex4(ch.charCodeAt(1), r.chance(0.5));
        else out += hex4(code, r.chance(0.5));
      } else if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
      else if (code < 0x20) out += hex4(code, false);
      else if (ch === '/' && style.escapes && r.chance(0.5)) out += '\\/';
      else out += ch;
    }
    return `${out}"`;
  };
  const write = (v) => {
    if (v instanceof Num) return v.text;
    if (v === null) return 'null';
    if (typeof v === 'boolean' || typeof v === 'number') return JSON.stringify(v);
    if (typeof v === 'string') return quote(v);
    if (Array.isArray(v)) return `[${gap()}${v.map((item) => `${write(item)}${gap()}`).join(`,${gap()}`)}]`;
    const members = [];
    for (const [k, item] of v) {
      if (style.duplicates && r.chance(0.2)) members.push(`${quote(k)}:${write(r.chance(0.5) ? null : 1)}`);
      members.push(`${quote(k)}${gap()}:${gap()}${write(item)}`);
    }
    return `{${gap()}${members.join(`,${gap()}`)}${gap()}}`;
  };
  return (v) => `${gap()}${write(v)}${gap()}`;
}

const writeText = (r, v) => writer(r)(v);
const argsText = (texts) => `[${texts.join(',')}]`;

// Text that is not JSON: cut short, a stray byte, bytes that are not UTF-8,
// too deep, empty. Bytes (Uint8Array) where a JS string cannot hold them.
function malformed(r, text) {
  const utf8 = Buffer.from(text, 'utf8');
  switch (r.pick(0, 6)) {
    case 0: return text.slice(0, r.pick(0, Math.max(0, text.length - 1)));
    case 1: { const at = r.pick(0, text.length); return text.slice(0, at) + r.choose(['}', ']', ',', ':', '"', 'x', 'nul', '01', '1.', '-', '\u0001', '"\t"']) + text.slice(at); }
    case 2: {
      const at = r.pick(0, utf8.length);
      const bad = Buffer.from(r.choose([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xf0, 0x9f, 0x98]]));
      return new Uint8Array(Buffer.concat([utf8.subarray(0, at), bad, utf8.subarray(at)]));
    }
    case 3: return `${'['.repeat(r.pick(990, 1010))}${']'.repeat(r.pick(0, 1)) }`;
    case 4: return r.choose(['', ' ', 'undefined', 'NaN', 'Infinity', "'a'", '{"a" 1}', '[1,]', '{"a":1,}', '"\\x"', '"\\u12"', '"\\ud800"', '"\\udc00\\ud800"', '1 2']);
    case 5: return `${text}${r.choose([' x', ',', '}', '\u0000'])}`;
    default: return `{"deep":${'['.repeat(1001)}${']'.repeat(1001)}}`;
  }
}

// --- Options ----------------------------------------------------------------

const RULES = ['set', 'counter', 'text', 'atomic', 'mine', 'theirs'];
const LIMITS = [['maxDepth', 1, 6], ['maxBytes', 1, 3000], ['maxStringBytes', 0, 40], ['maxKeyBytes', 0, 4],
  ['maxArrayItems', 0, 8], ['maxObjectMembers', 0, 6]];
function mergeOptions(r, base, idField) {
  if (r.chance(0.25)) return undefined;
  const options = {};
  if (r.chance(0.5)) options.onConflict = r.choose(['report', 'mine', 'theirs']);
  if (idField !== 'id' ? r.chance(0.8) : r.chance(0.1)) options.idKey = idField;
  if (r.chance(0.5)) {
    const paths = pointers(base).filter((p) => p !== '');
    const rules = {};
    for (let i = r.pick(1, 3); i > 0 && paths.length; i -= 1) {
      const pattern = r.choose(paths).split('/').map((segment, at) => (at > 0 && r.chance(0.3) ? '*' : segment)).join('/');
      rules[pattern] = r.chance(0.8) ? r.choose(RULES) : r.choose([{ idKey: idField }, { idKey: 'n' }, { text: 'lines' }, { text: 'words' }]);
    }
    options.rules = rules;
  }
  if (r.chance(0.05)) options.maxDepth = r.pick(1, 4);
  // Parse limits, which only merge_json takes (the merge adapter refuses them
  // as an unknown option): tight enough to be reached.
  if (r.chance(0.05)) {
    options.limits = {};
    for (const [name, lo, hi] of LIMITS) if (r.chance(0.4)) options.limits[name] = r.pick(lo, hi);
    if (r.chance(0.1)) options.limits[r.choose(['maxDepth', 'maxBytes', 'other'])] = r.choose([0, -1, '5', 1.5, null]);
  }
  if (r.chance(0.05)) {
    // Options the core refuses.
    Object.assign(options, r.choose([{ onConflict: 'both' }, { idKey: 5 }, { rules: { nopath: 'set' } }, { rules: { '/a': 'bogus' } },
      { rules: { '/a': { idKey: '' } } }, { rules: { '/a': { text: 'chars' } } }, { rules: [] }, { maxDepth: 0 }, { maxDepth: 1.5 },
      { maxDepth: 100001 }, { unknown: 1 }, { onConflict: null }]));
  }
  return options;
}

// --- Scenarios ----------------------------------------------------------------
//
// Each returns calls { name, args } (a table adapter: args is one argument
// array text) or { name, texts } (a text adapter: base, mine, theirs,
// options); `public` names a check through the JS API on the same input;
// `then(wasmAnswer)` derives further calls from the answer (a diff's patch
// applied, a merge's conflicts resolved), the native answer having to agree.

const okResult = (answer) => (answer.startsWith('{"ok":') ? answer.slice(6, -1) : null);

function mergeScenario(r) {
  const idField = r.choose(['id', 'id', 'id', 'key', 'uid']);
  const g = makeGenerator(r, idField);
  const base = r.chance(0.03) ? g.large() : r.chance(0.05) ? g.value(3) : g.object();
  const mine = r.chance(0.1) ? base : g.edits(base);
  const theirs = r.chance(0.1) ? base : r.chance(0.1) ? mine : g.edits(base);
  const options = mergeOptions(r, base, idField);
  const texts = [base, mine, theirs].map((v) => writeText(r, v));
  if (r.chance(0.04)) {
    const side = r.pick(0, 2);
    texts[side] = malformed(r, texts[side]);
  }
  let optionsText = options === undefined ? '' : JSON.stringify(options);
  // A text with a lone surrogate has no UTF-8 form: the JS API refuses it
  // before the core sees it, so there is no native answer to compare with.
  let publicCheck = texts.every((t) => typeof t === 'string' && t.isWellFormed());
  if (r.chance(0.02)) {
    optionsText = r.choose(['{"onConflict":', '[1]', 'null', '"mine"', '{"rules":{"/a":"set","/a":"text"}}', ' ']);
    publicCheck = false; // the JS API writes the options itself
  }
  const mergeArgs = argsText(options === undefined && optionsText === '' ? texts : [...texts, optionsText || 'null']);
  const resolveFrom = (answer) => {
    const result = okResult(answer);
    if (result === null) return [];
    const { conflicts } = JSON.parse(result);
    const choices = [];
    for (const conflict of conflicts) {
      if (r.chance(0.3)) continue;
      const choice = r.chance(0.8) ? JSON.stringify(r.choose(['mine', 'theirs', 'base'])) : r.chance(0.9) ? `{"value":${writeText(r, g.value(1))}}` : '"both"';
      choices.push(`${JSON.stringify(conflict.path)}:${choice}`);
    }
    if (r.chance(0.05)) choices.push(`${JSON.stringify(r.choose(['/nowhere', 'bad', '']))}:"mine"`);
    return [{ name: 'resolve', args: argsText([result, `{${choices.join(',')}}`]) }];
  };
  const allText = texts.every((t) => typeof t === 'string');
  return [
    allText ? { name: 'merge', args: mergeArgs, then: resolveFrom } : { name: 'merge', args: joinBytes(texts, optionsText) },
    { name: 'merge_json', texts: [...texts, optionsText], public: publicCheck ? { options } : undefined },
  ];
}

// The argument array around texts of which some are bytes.
function joinBytes(texts, optionsText) {
  const parts = ['[', ...texts.flatMap((t, i) => (i ? [',', t] : [t])), ...(optionsText ? [',', optionsText] : []), ']'];
  return new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p)))));
}

function diffScenario(r) {
  const idField = r.choose(['id', 'id', 'key']);
  const g = makeGenerator(r, idField);
  const from = r.chance(0.02) ? g.large() : r.chance(0.1) ? g.value(3) : g.object();
  const to = r.chance(0.1) ? g.value(3) : g.edits(from);
  const fromText = writeText(r, from);
  const toText = writeText(r, to);
  const options = r.chance(0.5) ? '' : r.chance(0.9) ? JSON.stringify({ idKey: idField }) : r.choose(['{"idKey":1}', '{"other":"x"}', '[]', 'null']);
  const latest = g.edits(from);
  const latestText = writeText(r, latest);
  const mergeOpts = mergeOptions(r, from, idField);
  return [
    {
      name: 'diff',
      args: argsText(options ? [fromText, toText, options] : [fromText, toText]),
      then: (answer) => {
        const patch = okResult(answer);
        if (patch === null) return [];
        return [
          { name: 'apply_patch', args: argsText([fromText, patch]) },
          { name: 'apply_patch', args: argsText([latestText, patch]) }, // may fail: the patch was made for `from`
          { name: 'rebase', args: argsText(mergeOpts === undefined ? [patch, fromText, latestText] : [patch, fromText, latestText, JSON.stringify(mergeOpts)]) },
        ];
      },
    },
    {
      name: 'create_merge_patch',
      args: argsText([fromText, toText]),
      then: (answer) => {
        const patch = okResult(answer);
        return patch === null ? [] : [{ name: 'apply_merge_patch', args: argsText([fromText, patch]) }];
      },
    },
  ];
}

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'];
function patchScenario(r) {
  const g = makeGenerator(r);
  const doc = r.chance(0.1) ? g.value(2) : g.object();
  const paths = pointers(doc);
  const path = () => {
    if (r.chance(0.75)) {
      const p = r.choose(paths);
      return r.chance(0.15) ? `${p}/-` : r.chance(0.1) ? `${p}/${r.choose(['new', '0', '01', '99', 'a~1b'])}` : p;
    }
    return r.choose(['', '/', 'a', '/a/b/c', '/01', '/-', '/~2', '/~', '/0/0', '/-1', '/1e0', '/ ']);
  };
  const op = () => {
    const name = r.chance(0.95) ? r.choose(OPS) : r.choose(['bogus', 'ADD', '']);
    const out = new Map([['op', name], ['path', path()]]);
    if (['add', 'replace', 'test'].includes(name) || r.chance(0.05)) out.set('value', r.chance(0.4) && name === 'test' ? null : g.value(2));
    if (['move', 'copy'].includes(name) || r.chance(0.05)) out.set('from', path());
    if (r.chance(0.05)) out.delete(r.choose(['op', 'path', 'value', 'from']));
    if (r.chance(0.03)) out.set('path', r.pick(0, 3));
    return out;
  };
  const patch = r.chance(0.03) ? g.scalar() : Array.from({ length: r.pick(0, 4) }, op);
  const docText = writeText(r, doc);
  const mergePatch = r.chance(0.7) ? g.edits(doc) : g.value(2);
  const calls = [
    { name: 'apply_patch', args: argsText([docText, writeText(r, patch)]) },
    { name: 'apply_merge_patch', args: argsText([docText, writeText(r, mergePatch)]) },
  ];
  if (r.chance(0.3)) {
    const latest = writeText(r, g.edits(doc));
    calls.push({ name: 'rebase', args: argsText([writeText(r, patch), docText, latest]) });
  }
  return calls;
}

const faithfulInJs = (v) => {
  if (typeof v === 'number') return Number.isFinite(v);
  if (typeof v === 'string') return v.isWellFormed();
  if (v === null || typeof v !== 'object') return true;
  return Object.entries(v).every(([k, item]) => k.isWellFormed() && faithfulInJs(item));
};

function canonicalScenario(r) {
  const g = makeGenerator(r);
  const value = r.chance(0.3) ? g.value(3) : g.object(4);
  const text = writeText(r, value);
  // The JS API reads a JS value: what JSON.parse makes of the same text.
  const jsValue = JSON.parse(text);
  const calls = [{ name: 'canonical_json', args: argsText([text]) }];
  const method = r.choose(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'post', 'QUERY', '']);
  const path = r.choose(['/tasks', '/tasks/1', '/a b', '/é?x=1', '', '/tasks?sort=desc&x=%20']);
  const head = [JSON.stringify(method), JSON.stringify(path)];
  calls.push({ name: 'fingerprint', args: argsText(r.chance(0.1) ? head : [...head, text]) });
  if (r.chance(0.2)) calls.push({ name: 'sha256_hex', args: argsText([writeText(r, g.string())]) });
  // The JS API refuses what JSON.stringify would quietly change (Infinity,
  // lone surrogates) before the core sees it: no native answer to compare.
  const jsText = JSON.stringify(jsValue);
  if (faithfulInJs(jsValue)) {
    calls.push({ name: 'canonical_json', args: argsText([jsText]), public: { canonical: jsValue } });
    calls.push({ name: 'fingerprint', args: argsText([...head, jsText]), public: { fingerprint: [method, path, jsValue] } });
  }
  return calls;
}

// Arguments the adapters must refuse the same way: not JSON, too few, of the
// wrong type, or a function that does not exist (the in-memory path looks
// names up; embind has no export to call).
function errorScenario(r) {
  const g = makeGenerator(r);
  const name = r.choose(['merge', 'diff', 'apply_patch', 'apply_merge_patch', 'create_merge_patch', 'rebase', 'resolve', 'canonical_json', 'fingerprint']);
  const doc = writeText(r, g.object());
  switch (r.pick(0, 3)) {
    case 0: return [{ name, args: malformed(r, argsText([doc, doc, doc])) }];
    case 1: return [{ name, args: r.choose(['[]', '{}', '"x"', 'null', argsText([doc]), `[${doc},1]`, '[1,2,3,4]', '[null,null,null,{}]']) }];
    case 2: return [{ name, args: argsText([doc, malformed(r, doc)].filter((t) => typeof t === 'string')) }];
    default: return [{ name: r.choose(['no_such_function', '', 'merge ']), args: argsText([doc]), inMemoryOnly: true }];
  }
}

// The version, timestamp, ETag and retry adapters, with arguments that are
// often wrong, several at once: which one an error names must not depend on
// the compiler.
const VERSION_CALLS = { check_version: 2, next_version: 1, parse_expected: 1, normalize_timestamp: 1,
  check_timestamp_version: 2, make_etag: 1, version_from_etag: 1, parse_etag_condition: 1, strong_match: 2,
  weak_match: 2, if_match: 2, if_none_match: 2, expected_from_headers: 2, backoff_delay: 3, to_problem_json: 2 };
const VERSION_VALUES = ['0', '1', '7', '-1', '-2', '1.5', '9007199254740991', '9007199254740993', '18446744073709551615',
  '"12"', '"012"', '"-1"', '" 3"', '"any"', '"exists"', '"no_stream"', '"ANY"', 'null', 'true', '{}', '[]', '""', '"*"',
  '"\\"3\\""', '"W/\\"3\\""', '"\\"a\\", W/\\"b\\""', '"\\"3\\", *"', '"\\"unterminated"',
  '"2024-02-29T12:00:00Z"', '"2024-02-29 12:00:00.1234567+01:30"', '"2023-02-29T00:00:00Z"', '"2024-06-30T23:59:60Z"',
  '"yesterday"', '0.5', '0.999', '{"maxAttempts":3}', '{"base":-1}', '{"code":"VERSION_CONFLICT","message":"m"}',
  '{"code":"NOPE"}', '"/tasks/1"'];
function versionScenario(r) {
  const calls = [];
  for (let i = r.pick(1, 4); i > 0; i -= 1) {
    const [name, arity] = r.choose(Object.entries(VERSION_CALLS));
    const count = r.chance(0.9) ? arity : r.pick(0, arity + 1);
    calls.push({ name, args: argsText(Array.from({ length: count }, () => r.choose(VERSION_VALUES))) });
  }
  return calls;
}

const SCENARIOS = [
  [mergeScenario, 40],
  [diffScenario, 20],
  [patchScenario, 15],
  [canonicalScenario, 15],
  [errorScenario, 5],
  [versionScenario, 5],
];
const TOTAL_WEIGHT = SCENARIOS.reduce((sum, [, w]) => sum + w, 0);

export function scenario(seed, index) {
  const r = randomTools(scenarioSeed(seed, index));
  let roll = r.pick(0, TOTAL_WEIGHT - 1);
  for (const [make, weight] of SCENARIOS) {
    if (roll < weight) return make(r);
    roll -= weight;
  }
  throw new Error('unreachable');
}

// Writes the harnesses' seed corpora from the shared vectors and the JSON
// Patch conformance suite: node tests/fuzz/seeds.mjs OUT_DIR
// (OUT_DIR/<harness>/seed-N; parts of one input are separated by NUL bytes).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const vectors = path.join(here, '../vectors');
const conformance = path.join(here, '../../../shared/conformance/json-patch-tests');
const out = path.resolve(process.argv[2] ?? 'build/fuzz/corpus');
const seeds = { fuzz_json: new Set(), fuzz_merge: new Set(), fuzz_patch: new Set(), fuzz_headers: new Set(), fuzz_host: new Set() };

const text = (value) => JSON.stringify(value);
function collectStrings(value) {
  if (typeof value === 'string') seeds.fuzz_headers.add(value);
  else if (value && typeof value === 'object') Object.values(value).forEach(collectStrings);
}

for (const file of readdirSync(vectors).filter((name) => name.endsWith('.json'))) {
  for (const spec of JSON.parse(readFileSync(path.join(vectors, file), 'utf8')).cases) {
    const input = spec.input ?? [];
    collectStrings(input);
    for (const value of input) if (value && typeof value === 'object') seeds.fuzz_json.add(text(value));
    if (spec.call === 'merge' && input.length >= 3) seeds.fuzz_merge.add(input.slice(0, 3).map(text).join('\0'));
    if ((spec.call === 'apply_patch' || spec.call === 'apply_merge_patch') && input.length >= 2) {
      seeds.fuzz_patch.add(`${text(input[0])}\0${text(input[1])}`);
    }
  }
}
for (const file of ['tests.json', 'spec_tests.json']) {
  for (const spec of JSON.parse(readFileSync(path.join(conformance, file), 'utf8'))) {
    if (spec.doc === undefined || spec.patch === undefined) continue;
    seeds.fuzz_patch.add(`${text(spec.doc)}\0${text(spec.patch)}`);
    seeds.fuzz_json.add(text(spec.doc));
    for (const op of spec.patch) if (typeof op?.path === 'string') seeds.fuzz_headers.add(op.path);
  }
}
// Request sequences for fuzz_host: "METHOD TARGET", header lines, a blank
// line and the body; requests cut at NUL bytes.
const request = (method, target, headers, body = '') =>
  `${method} ${target}\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\n`).join('')}\n${body}`;
const json = { 'Content-Type': 'application/json' };
const jsonPatch = { 'Content-Type': 'application/json-patch+json' };
const mergePatch = { 'Content-Type': 'application/merge-patch+json' };
const board = text({ tasks: [{ id: 't1', title: 'Write', tags: ['a'] }, { id: 't2', title: 'Ship', done: false }] });
for (const sequence of [
  [
    request('PUT', '/api/docs/board', { ...json, 'If-None-Match': '*', 'Idempotency-Key': 'k-create-1' }, board),
    request('GET', '/api/docs/board', { 'If-None-Match': '"1"' }),
    request('PUT', '/api/docs/board', { ...json, 'If-Match': '"1"' }, text({ tasks: [] })),
    request('PUT', '/api/docs/board', { ...json, 'If-Match': '"1"' }, text({ stale: true })),
  ],
  [
    request('PUT', '/api/docs/a%2Fb', { ...json, 'If-None-Match': '*', 'X-Tenant': 'acme' }, board),
    request('PATCH', '/api/docs/a%2Fb', { ...jsonPatch, 'If-Match': '"1"', 'X-Tenant': 'acme', 'Idempotency-Key': 'p-1' },
      text([{ op: 'replace', path: '/tasks/0/title', value: 'Draft' }])),
    request('PATCH', '/api/docs/a%2Fb', { ...mergePatch, 'If-Match': '"1"', 'X-Tenant': 'acme' },
      text({ tasks: [{ id: 't1', title: 'Other' }] })),
    request('PATCH', '/api/docs/a%2Fb', { ...jsonPatch, 'If-Match': '"1"', 'X-Tenant': 'acme',
      'X-Merge-Options': text({ rules: { '/tasks/*/tags': 'set' } }) },
      text([{ op: 'add', path: '/tasks/0/tags/-', value: 'b' }])),
  ],
  [
    request('PUT', '/api/docs/n', { ...json, 'X-Expected-Version': 'no_stream', 'Idempotency-Key': 'same' }, '{"n":1}'),
    request('PUT', '/api/docs/n', { ...json, 'X-Expected-Version': '1', 'Idempotency-Key': 'same' }, '{"n":2}'),
    request('PUT', '/api/docs/n', { ...json, 'If-Match': 'W/"1", "2"' }, '{"n":[1,2,{"deep":[[[]]]}]}'),
    request('DELETE', '/api/docs/n', {}),
    request('PUT', '/api/docs/n', { 'Content-Type': 'text/plain', 'If-Match': '*' }, 'not json'),
    request('PUT', '/api/docs/%zz', json, '{}'),
  ],
]) seeds.fuzz_host.add(sequence.join('\0'));

for (const [harness, inputs] of Object.entries(seeds)) {
  const folder = path.join(out, harness);
  mkdirSync(folder, { recursive: true });
  [...inputs].forEach((input, index) => writeFileSync(path.join(folder, `seed-${index}`), input));
  console.log(`${harness}: ${inputs.size} seeds`);
}

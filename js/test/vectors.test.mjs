// Runs every case of tests/vectors/*.json through the public JS API: the same
// expectations GoogleTest checks natively.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TruceError } from 'truce';
import { truce, vectorsDir } from './helpers.mjs';

const plain = (value) => (value instanceof TruceError ? value.toJSON() : value);

// Vector call names are the C++ ones; each maps onto the camelCase API.
const calls = {
  check_version: (t, expected, actual) => plain(t.checkVersion(expected, actual)),
  next_version: (t, current) => t.nextVersion(current),
  parse_expected: (t, expected) => t.parseExpected(expected),
  normalize_timestamp: (t, text) => t.normalizeTimestamp(text),
  check_timestamp_version: (t, expected, actual) => plain(t.checkTimestampVersion(expected, actual)),
  make_etag: (t, version) => t.makeEtag(version),
  version_from_etag: (t, etag) => t.versionFromEtag(etag),
  parse_etag_condition: (t, header) => t.parseEtagCondition(header),
  strong_match: (t, a, b) => t.strongMatch(a, b),
  weak_match: (t, a, b) => t.weakMatch(a, b),
  if_match: (t, header, current) => t.ifMatch(header, current),
  if_none_match: (t, header, current) => t.ifNoneMatch(header, current),
  expected_from_headers: (t, ifMatch, ifNoneMatch) => t.expectedFromHeaders({ ifMatch, ifNoneMatch }),
  backoff_delay: (t, backoff, attempt, random) => t.backoffDelay(backoff, attempt, random),
  to_problem_json: (t, error, instance) => t.toProblem(TruceError.from(error), instance),
  merge: (t, base, mine, theirs, options) => t.merge(base, mine, theirs, options),
  resolve: (t, result, choices) => t.resolve(result, choices),
  diff: (t, from, to, options) => t.diff(from, to, options),
  apply_patch: (t, document, patch) => t.applyPatch(document, patch),
  create_merge_patch: (t, from, to) => t.createMergePatch(from, to),
  apply_merge_patch: (t, target, patch) => t.applyMergePatch(target, patch),
  rebase: (t, patch, base, latest, options) => t.rebase(patch, base, latest, options),
  parse_uuid: (t, text) => t.parseUuid(text),
  check_key: (t, key, policy) => t.checkKey(key, policy),
  canonical_json: (t, value) => t.canonicalJSON(value),
  sha256_hex: (t, text) => t.sha256Hex(text),
  fingerprint: (t, method, path, body) => t.fingerprint(method, path, body),
};

function withoutIgnored(actual, ignore = []) {
  if (actual === null || typeof actual !== 'object' || ignore.length === 0) return actual;
  const copy = { ...actual };
  for (const member of ignore) delete copy[member];
  return copy;
}

const files = readdirSync(vectorsDir).filter((name) => name.endsWith('.json')).sort();
assert.ok(files.length > 0, `no vector files in ${vectorsDir}`);

for (const file of files) {
  const suite = JSON.parse(readFileSync(join(vectorsDir, file), 'utf8'));
  test(`vectors: ${file}`, async (t) => {
    const api = await truce();
    for (const spec of suite.cases) {
      await t.test(spec.name, () => {
        const run = calls[spec.call];
        assert.ok(run, `no JS mapping for vector call ${spec.call}`);
        const args = spec.options === undefined ? spec.input : [...spec.input, spec.options];
        if (spec.error) {
          assert.throws(
            () => run(api, ...args),
            (error) => {
              assert.ok(error instanceof TruceError, `expected a TruceError, got ${error}`);
              for (const [field, wanted] of Object.entries(spec.error)) assert.deepEqual(error[field], wanted, field);
              return true;
            },
          );
        } else {
          assert.deepEqual(withoutIgnored(run(api, ...args), spec.ignore), spec.expected);
        }
      });
    }
  });
}

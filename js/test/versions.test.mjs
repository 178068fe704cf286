// Versions, ETags and errors through the JS API: the JS-specific parts
// (BigInt, unsafe numbers, TruceError shape) that the shared vectors cannot express.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TruceError } from 'truce';
import { truce } from './helpers.mjs';

const t = await truce();

test('a version conflict is a TruceError value with code, message, details and status', () => {
  const conflict = t.checkVersion(2, 3);
  assert.ok(conflict instanceof TruceError);
  assert.equal(conflict.name, 'TruceError');
  assert.equal(conflict.code, 'VERSION_CONFLICT');
  assert.equal(conflict.status, 409);
  assert.deepEqual(conflict.details, { expected: 2, actual: 3 });
  assert.match(conflict.stack, /TruceError/);
  assert.equal(t.checkVersion(3, 3), null);
});

test('BigInt versions keep every digit', () => {
  assert.equal(t.checkVersion(9007199254740993n, '9007199254740993'), null);
  assert.equal(t.nextVersion(9007199254740993n), '9007199254740994');
  assert.equal(t.checkVersion(9007199254740993n, 9007199254740992n).details.actual, '9007199254740992');
  assert.equal(t.makeEtag(2n ** 62n), '"4611686018427387904"');
});

test('numbers that already lost digits are refused, not silently rounded', () => {
  assert.throws(() => t.checkVersion(2 ** 60, 1), (error) => error instanceof TruceError && error.code === 'INVALID_VERSION');
  assert.throws(() => t.nextVersion(Number.MAX_SAFE_INTEGER + 2), { code: 'INVALID_VERSION' });
  assert.equal(t.nextVersion(Number.MAX_SAFE_INTEGER - 1), Number.MAX_SAFE_INTEGER);
});

test('bad input throws TruceError with a stable code, never a number', () => {
  for (const bad of [-2, 1.5, 'latest', {}, [], true]) {
    assert.throws(() => t.checkVersion(bad, 1), (error) => error instanceof TruceError && error.code === 'INVALID_VERSION');
  }
  assert.throws(() => t.parseEtagCondition('"unterminated'), { code: 'INVALID_PRECONDITION' });
  assert.throws(() => t.normalizeTimestamp('yesterday'), { code: 'INVALID_VERSION' });
  assert.throws(() => t.ifMatch(42, null), { code: 'INVALID_ARGUMENT' });
  // Strings that are not valid Unicode cannot become UTF-8 JSON: a clear error, not corruption.
  assert.throws(() => t.normalizeTimestamp('2026-01-01T00:00:00Z\ud800'), { code: 'INVALID_JSON' });
});

test('undefined means absent, like null', () => {
  assert.equal(t.checkVersion(null, undefined), null);
  assert.equal(t.nextVersion(undefined), 1);
  assert.equal(t.ifNoneMatch('*', undefined), true);
});

test('ETags round-trip through the conditional-request helpers', () => {
  const etag = t.makeEtag(12);
  assert.equal(t.versionFromEtag(etag), 12);
  assert.equal(t.ifMatch(`"1", ${etag}`, etag), true);
  assert.equal(t.ifMatch(`W/${etag}`, etag), false);
  assert.equal(t.ifNoneMatch(`W/${etag}`, etag), false);
  assert.equal(t.expectedFromHeaders({ ifMatch: etag }), 12);
  assert.equal(t.expectedFromHeaders({ ifNoneMatch: '*' }), -1);
  assert.equal(t.expectedFromHeaders({}), null);
});

test('toProblem builds RFC 9457 problem details', () => {
  const problem = t.toProblem(t.checkVersion(2, 3), '/api/docs/a');
  assert.deepEqual(problem, {
    type: 'urn:truce:error:VERSION_CONFLICT',
    title: 'Version conflict',
    status: 409,
    detail: 'Expected version 2, resource is at version 3',
    instance: '/api/docs/a',
    code: 'VERSION_CONFLICT',
    details: { expected: 2, actual: 3 },
  });
});

test('the API object cannot be tampered with', () => {
  assert.throws(() => {
    'use strict';
    t.checkVersion = () => null;
  }, TypeError);
});

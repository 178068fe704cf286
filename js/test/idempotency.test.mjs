// Keys and the in-memory ledger through the JS API (the native stores and the
// conformance suite run in GoogleTest; the keys' layout vectors in keys.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truce } from './helpers.mjs';

const T0 = 1767225600000;

test('idempotency keys are lowercase UUIDv7 with the current time, unique and ordered', async () => {
  const t = await truce();
  const before = Date.now();
  const keys = Array.from({ length: 20000 }, () => t.newIdempotencyKey());
  const after = Date.now();
  for (const key of keys.slice(0, 100)) assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...keys].sort(), keys, 'sorted in the order made');
  assert.equal(new Set(keys).size, keys.length);
  const first = t.parseUuid(keys[0]);
  assert.equal(first.version, 7);
  assert.ok(first.unixMs >= before && first.unixMs <= after + 1);
  assert.ok(t.isValidKey(keys[0]));
});

test('UUIDv4 and session ids', async () => {
  const t = await truce();
  const v4 = Array.from({ length: 1000 }, () => t.newUuidV4());
  for (const id of v4) assert.equal(t.parseUuid(id).version, 4);
  assert.equal(new Set(v4).size, 1000);
  assert.match(t.newSessionId(), /^session-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-[0-9a-z]{9}$/);
});

test('a retried request takes effect once and every retry gets the first answer', async () => {
  const t = await truce();
  const ledger = t.createLedger();
  const key = t.newIdempotencyKey();
  const fp = t.fingerprint('POST', '/api/docs/1', { title: 'x' });
  const first = ledger.begin('tenant-a', key, fp, T0);
  assert.equal(first.kind, 'proceed');
  assert.deepEqual(ledger.begin('tenant-a', key, fp, T0 + 1000), { kind: 'in_progress', retryAfterMs: 59000 });
  assert.deepEqual(ledger.begin('tenant-a', key, t.fingerprint('POST', '/api/docs/1', { title: 'y' }), T0 + 1), {
    kind: 'mismatch',
  });
  ledger.complete('tenant-a', key, first.token, { status: 201, headers: { etag: '"1"' }, body: '{"ok":true}' }, T0 + 2);
  assert.deepEqual(ledger.begin('tenant-a', key, fp, T0 + 3), {
    kind: 'replay',
    response: { status: 201, headers: { etag: '"1"' }, body: '{"ok":true}' },
  });
  assert.equal(ledger.begin('tenant-b', key, fp, T0 + 3).kind, 'proceed', 'scopes are separate');
  ledger.dispose();
  assert.throws(() => ledger.begin('tenant-a', key, fp, T0), { code: 'INVALID_ARGUMENT' });
});

test('lease expiry, lost leases, and bad keys are TruceErrors with stable codes', async () => {
  const t = await truce();
  const ledger = t.createLedger({ leaseMs: 1000 });
  const key = t.newIdempotencyKey();
  const stale = ledger.begin('s', key, 'fp', T0);
  const fresh = ledger.begin('s', key, 'fp', T0 + 1000);
  assert.equal(fresh.kind, 'proceed');
  assert.throws(() => ledger.complete('s', key, stale.token, { status: 200 }, T0 + 1001), {
    code: 'IDEMPOTENCY_LEASE_LOST',
    status: 409,
  });
  assert.throws(() => ledger.begin('s', '', 'fp', T0), { code: 'IDEMPOTENCY_KEY_MISSING', status: 400 });
  assert.throws(() => ledger.begin('s', 'x'.repeat(40), 'fp', T0), (e) => e.code === 'IDEMPOTENCY_KEY_INVALID' && e.details.problem === 'low_entropy');
  assert.throws(() => t.createLedger({ ttl: 5 }), { code: 'INVALID_ARGUMENT' });
  ledger.dispose();
});

// updateWithRetry in JS: awaits the caller's async load/store, with sleep and
// randomness injected so the test is instant and exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TruceError } from 'truce';
import { truce } from './helpers.mjs';

const t = await truce();

// An async store that someone else writes to `interference` times before ours lands.
function racyStore(t, { value = 0, version = 1, interference = 0 } = {}) {
  const db = { value, version, interference, writes: 0 };
  return {
    db,
    load: async () => (db.version === null ? {} : { value: db.value, version: db.version }),
    store: async (_id, next, expected) => {
      await Promise.resolve();
      if (db.interference > 0) {
        db.interference -= 1;
        db.value += 100;
        db.version = t.nextVersion(db.version);
      }
      const conflict = t.checkVersion(expected, db.version);
      if (conflict) throw conflict;
      db.writes += 1;
      db.value = next;
      db.version = t.nextVersion(db.version);
      return db.version;
    },
  };
}

function recorder() {
  const log = { sleeps: [], conflicts: [] };
  return {
    log,
    sleep: async (ms) => {
      log.sleeps.push(ms);
    },
    onConflict: (id, attempt, error) => log.conflicts.push([id, attempt, error.code]),
  };
}

test('re-reads after each conflict, backs off 10 then 20 ms, and loses nothing', async () => {
  const { db, load, store } = racyStore(t, { interference: 2 });
  const { log, sleep, onConflict } = recorder();
  const result = await t.updateWithRetry('counter', { load, store, mutate: (n) => n + 1, sleep, onConflict });
  assert.deepEqual(result, { value: 201, version: 4, attempts: 3 });
  assert.deepEqual(log.sleeps, [10, 20]);
  assert.deepEqual(log.conflicts, [
    ['counter', 1, 'VERSION_CONFLICT'],
    ['counter', 2, 'VERSION_CONFLICT'],
  ]);
  assert.equal(db.value, 201);
});

test('gives up after maxAttempts with the same message as C++', async () => {
  const { db, load, store } = racyStore(t, { interference: 3 });
  const { log, sleep, onConflict } = recorder();
  await assert.rejects(
    t.updateWithRetry('counter', { load, store, mutate: (n) => n + 1, sleep, onConflict }),
    (error) => {
      assert.ok(error instanceof TruceError);
      assert.equal(error.code, 'VERSION_CONFLICT');
      assert.equal(error.message, "Gave up updating 'counter' after 3 attempts: Expected version 3, resource is at version 4");
      assert.equal(error.details.attempts, 3);
      return true;
    },
  );
  assert.equal(db.writes, 0);
  assert.equal(log.conflicts.length, 3);
});

test('creates a missing resource with expected = null (no stream)', async () => {
  const { db, load, store } = racyStore(t, { version: null });
  const result = await t.updateWithRetry('new', { load, store, mutate: (current) => (current === undefined ? 1 : -1) });
  assert.deepEqual(result, { value: 1, version: 1, attempts: 1 });
  assert.equal(db.version, 1);
});

test('jitter draws from the injected random source', async () => {
  const { load, store } = racyStore(t, { interference: 1 });
  const { log, sleep } = recorder();
  let draws = 0;
  await t.updateWithRetry('counter', {
    load, store, sleep, mutate: (n) => n + 1, backoff: { jitter: 1 },
    random: () => { draws += 1; return 0.5; },
  });
  assert.equal(draws, 1);
  assert.deepEqual(log.sleeps, [5]);
});

test('other failures propagate at once, without retrying', async () => {
  let loads = 0;
  const boom = new Error('disk on fire');
  await assert.rejects(
    t.updateWithRetry('x', { load: () => { loads += 1; return {}; }, mutate: () => 1, store: async () => { throw boom; } }),
    boom,
  );
  assert.equal(loads, 1);
});

test('a store that skips versions is caught', async () => {
  await assert.rejects(
    t.updateWithRetry('x', { load: () => ({ value: 1, version: 4 }), mutate: () => 2, store: () => 7 }),
    { code: 'INTERNAL' },
  );
});

test('missing steps and bad backoff are INVALID_ARGUMENT', async () => {
  await assert.rejects(t.updateWithRetry('x', { mutate: () => 1, store: () => 1 }), { code: 'INVALID_ARGUMENT' });
  const { load, store } = racyStore(t, { interference: 1 });
  await assert.rejects(
    t.updateWithRetry('x', { load, store, mutate: (n) => n, backoff: { maxAttempts: 0 }, sleep: async () => {} }),
    { code: 'INVALID_ARGUMENT' },
  );
});

test('the real sleep waits between attempts', async () => {
  const { load, store } = racyStore(t, { interference: 1 });
  const started = performance.now();
  await t.updateWithRetry('x', { load, store, mutate: (n) => n + 1, backoff: { baseMs: 30 } });
  assert.ok(performance.now() - started >= 25);
});

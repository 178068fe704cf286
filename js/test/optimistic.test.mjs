// OptimisticDocument against a scripted transport: every state transition,
// with the requests it sends checked field by field.
import test from 'node:test';
import assert from 'node:assert/strict';
import { truce } from './helpers.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const ok = (doc, version, headers = {}) => ({
  status: 200,
  headers: { etag: `"${version}"`, 'x-version': String(version), 'content-type': 'application/json', ...headers },
  body: JSON.stringify(doc),
});
const problem = (status, code, details = {}, headers = {}) => ({
  status,
  headers: { 'content-type': 'application/problem+json', ...headers },
  body: JSON.stringify({ type: `urn:truce:error:${code}`, title: code, status, code, detail: `${code} happened`, details }),
});

// Answers in order (a function answers from the request); records every request.
function scripted(...answers) {
  const requests = [];
  const transport = async (request) => {
    requests.push({ ...request, json: request.body === undefined ? undefined : JSON.parse(request.body) });
    if (answers.length === 0) throw new Error(`unexpected request ${request.method} ${request.url}`);
    const answer = answers.shift();
    return typeof answer === 'function' ? answer(request) : answer;
  };
  return { transport, requests, left: () => answers.length };
}

const slept = [];
const recordSleep = (ms) => {
  slept.push(ms);
};

async function loaded(core, doc, version, transportAnswers, options = {}) {
  const fake = scripted(ok(doc, version), ...transportAnswers);
  const document = core.optimisticDocument({
    id: 'task-1', url: 'http://host/api/docs/', transport: fake.transport, sleep: recordSleep, random: () => 0, ...options,
  });
  await document.load();
  return { document, fake };
}

test('an edit shows at once, is sent as a PATCH on the version it was made on, and settles to idle', async () => {
  const core = await truce();
  const { document, fake } = await loaded(core, { title: 'a', done: false }, 1, [ok({ title: 'b', done: false }, 2)]);
  const seen = [];
  document.subscribe((snapshot, event) => seen.push([event.type, snapshot.status, snapshot.view?.title]));
  document.edit((draft) => {
    draft.title = 'b';
  });
  assert.equal(document.view.title, 'b');
  assert.equal(document.status, 'idle'); // sending starts on the next microtask
  await document.save();
  const sent = fake.requests[1];
  assert.equal(sent.method, 'PATCH');
  assert.equal(sent.url, 'http://host/api/docs/task-1');
  assert.equal(sent.headers['If-Match'], '"1"');
  assert.equal(sent.headers['Content-Type'], 'application/json-patch+json');
  assert.match(sent.headers['Idempotency-Key'], UUID);
  assert.deepEqual(sent.json, [{ op: 'replace', path: '/title', value: 'b' }]);
  assert.deepEqual(document.confirmed, { doc: { title: 'b', done: false }, version: 2, etag: '"2"' });
  assert.equal(document.status, 'idle');
  assert.deepEqual(seen[0], ['edited', 'idle', 'b']);
  assert.ok(seen.some(([type, status]) => type === 'status' && status === 'saving'));
  assert.deepEqual(seen.at(-1), ['status', 'idle', 'b']);
});

test('edits queue in order, each with its own key, and each is sent on the version the previous one made', async () => {
  const core = await truce();
  const { document, fake } = await loaded(core, { n: 0 }, 1, [ok({ n: 1 }, 2), ok({ n: 2 }, 3)], { autosave: false });
  document.edit([{ op: 'replace', path: '/n', value: 1 }]);
  document.edit({ n: 2 }); // a merge patch
  assert.deepEqual(document.view, { n: 2 });
  assert.equal(document.pending.length, 2);
  await document.save();
  const [, first, second] = fake.requests;
  assert.equal(first.headers['If-Match'], '"1"');
  assert.equal(second.headers['If-Match'], '"2"');
  assert.notEqual(first.headers['Idempotency-Key'], second.headers['Idempotency-Key']);
  assert.deepEqual(second.json, [{ op: 'replace', path: '/n', value: 2 }]);
  assert.equal(document.confirmed.version, 3);
  assert.equal(document.pending.length, 0);
});

test('a merge done by the server (X-Merged) shows the merged document and a notice', async () => {
  const core = await truce();
  const { document } = await loaded(core, { title: 'a', status: 'todo' }, 1, [
    ok({ title: 'b', status: 'doing' }, 3, { 'x-merged': 'true' }),
  ]);
  const events = [];
  document.subscribe((snapshot, event) => events.push(event.type));
  document.edit((draft) => {
    draft.title = 'b';
  });
  await document.save();
  assert.deepEqual(document.view, { title: 'b', status: 'doing' });
  assert.deepEqual(document.getSnapshot().notice, { type: 'merged', version: 3 });
  assert.ok(events.includes('merged'));
});

test('a 412 carrying the latest state is rebased and resent on it with a new key, after 10 ms', async () => {
  const core = await truce();
  slept.length = 0;
  const { document, fake } = await loaded(core, { title: 'a', status: 'todo' }, 1, [
    problem(412, 'PRECONDITION_FAILED', { actual: 4, current: { title: 'a', status: 'done' } }, { etag: '"4"' }),
    ok({ title: 'b', status: 'done' }, 5),
  ]);
  document.edit((draft) => {
    draft.title = 'b';
  });
  await document.save();
  const [, first, second] = fake.requests;
  assert.equal(second.headers['If-Match'], '"4"');
  assert.notEqual(second.headers['Idempotency-Key'], first.headers['Idempotency-Key']);
  assert.deepEqual(second.json, [{ op: 'replace', path: '/title', value: 'b' }]);
  assert.deepEqual(slept, [10]);
  assert.deepEqual(document.view, { title: 'b', status: 'done' });
  assert.equal(document.status, 'idle');
});

test('after three clean rebases that are still refused, the status is error', async () => {
  const core = await truce();
  slept.length = 0;
  const stale = (v) => problem(412, 'PRECONDITION_FAILED', { actual: v, current: { title: 'a', v } });
  const { document, fake } = await loaded(core, { title: 'a' }, 1, [stale(2), stale(3), stale(4), stale(5)]);
  document.edit({ title: 'b' });
  await document.save();
  assert.equal(fake.requests.length, 5);
  assert.deepEqual(slept, [10, 20, 40]);
  assert.equal(document.status, 'error');
  assert.equal(document.error.code, 'VERSION_CONFLICT');
  assert.equal(document.pending.length, 1); // kept: the user may still discard or retry
});

test('a real conflict stops at status conflict with latest, mine and the conflicts, and resolves as chosen', async () => {
  const core = await truce();
  const latest = { title: 'theirs', status: 'todo' };
  const { document, fake } = await loaded(core, { title: 'base', status: 'todo' }, 1, [
    problem(409, 'VERSION_CONFLICT', {
      actual: 2, current: latest, reason: 'conflicts',
      conflicts: [{ path: '/title', kind: 'both_modified', base: 'base', mine: 'mine', theirs: 'theirs' }],
    }),
    ok({ title: 'mine', status: 'todo' }, 3),
  ]);
  let asked;
  document.edit((draft) => {
    draft.title = 'mine';
  });
  await document.save();
  assert.equal(document.status, 'conflict');
  asked = document.conflict;
  assert.deepEqual(asked.latest, latest);
  assert.deepEqual(asked.mine, { title: 'mine', status: 'todo' });
  assert.deepEqual(asked.conflicts.map(({ path, kind }) => [path, kind]), [['/title', 'both_modified']]);
  assert.equal(document.view.title, 'mine'); // the view keeps the user's side meanwhile
  await document.resolveConflict({ '/title': 'mine' });
  const resend = fake.requests[2];
  assert.equal(resend.headers['If-Match'], '"2"');
  assert.deepEqual(resend.json, [{ op: 'replace', path: '/title', value: 'mine' }]);
  assert.equal(document.status, 'idle');
  assert.equal(document.confirmed.version, 3);
});

test('onConflict answers for the user: theirs drops the edit, discard drops the queue', async () => {
  const core = await truce();
  const conflict409 = problem(409, 'VERSION_CONFLICT', { actual: 2, current: { title: 'theirs' }, reason: 'conflicts' });
  for (const answer of ['theirs', 'discard']) {
    const calls = [];
    const { document, fake } = await loaded(core, { title: 'base' }, 1, [conflict409], {
      onConflict: (info) => {
        calls.push(info);
        return answer;
      },
    });
    document.edit({ title: 'mine' });
    await document.save();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await document.save();
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0].latest, { title: 'theirs' });
    assert.deepEqual(calls[0].mine, { title: 'mine' });
    assert.equal(document.status, 'idle', answer);
    assert.deepEqual(document.view, { title: 'theirs' }, answer);
    assert.equal(fake.requests.length, 2, `${answer}: nothing more sent`);
  }
});

test('discard drops pending edits, shows the server state and sends nothing', async () => {
  const core = await truce();
  const { document, fake } = await loaded(core, { title: 'a' }, 1, [], { autosave: false });
  document.edit({ title: 'b' });
  document.edit({ done: true });
  document.discard();
  assert.deepEqual(document.view, { title: 'a' });
  assert.equal(document.pending.length, 0);
  await document.save();
  assert.equal(fake.requests.length, 1);
});

test('no answer: the same request is sent again under the same key while the status is offline', async () => {
  const core = await truce();
  slept.length = 0;
  const statuses = [];
  const { document, fake } = await loaded(core, { n: 0 }, 1, [
    () => {
      throw new TypeError('fetch failed');
    },
    () => {
      throw new TypeError('fetch failed');
    },
    ok({ n: 1 }, 2, { 'idempotent-replayed': 'true' }),
  ]);
  document.subscribe((snapshot) => statuses.push(snapshot.status));
  document.edit({ n: 1 });
  await document.save();
  const sends = fake.requests.slice(1);
  assert.equal(sends.length, 3);
  assert.ok(sends.every((r) => r.headers['Idempotency-Key'] === sends[0].headers['Idempotency-Key']));
  assert.ok(sends.every((r) => r.body === sends[0].body && r.headers['If-Match'] === '"1"'));
  assert.deepEqual(slept, [100, 200]);
  assert.ok(statuses.includes('offline'));
  assert.equal(document.status, 'idle');
  assert.equal(document.confirmed.version, 2);
});

test('a duplicate still in flight elsewhere (409 with Retry-After) is waited for and sent again unchanged', async () => {
  const core = await truce();
  slept.length = 0;
  const { document, fake } = await loaded(core, { n: 0 }, 1, [
    problem(409, 'IDEMPOTENCY_IN_FLIGHT', {}, { 'retry-after': '1' }),
    ok({ n: 1 }, 2),
  ]);
  document.edit({ n: 1 });
  await document.save();
  assert.deepEqual(slept, [1000]);
  assert.equal(fake.requests[2].headers['Idempotency-Key'], fake.requests[1].headers['Idempotency-Key']);
  assert.equal(document.confirmed.version, 2);
});

test('other refusals are status error with the server\'s code, and the edit is kept', async () => {
  const core = await truce();
  const { document } = await loaded(core, { n: 0 }, 1, [problem(413, 'LIMIT_EXCEEDED', { limit: 'body_bytes' })]);
  document.edit({ n: 1 });
  await document.save();
  assert.equal(document.status, 'error');
  assert.equal(document.error.code, 'LIMIT_EXCEEDED');
  assert.equal(document.error.status, 413);
  assert.deepEqual(document.view, { n: 1 });
});

test('a document that does not exist yet is created with PUT and If-None-Match: *', async () => {
  const core = await truce();
  const fake = scripted(problem(404, 'NOT_FOUND'), { ...ok({ title: 'new' }, 1), status: 201 });
  const document = core.optimisticDocument({ id: 'new task', url: '/api/docs', transport: fake.transport, tenant: 'acme' });
  await document.load();
  assert.equal(document.confirmed, null);
  assert.equal(document.view, null);
  document.edit(() => ({ title: 'new' }));
  await document.save();
  const put = fake.requests[1];
  assert.equal(put.method, 'PUT');
  assert.equal(put.url, '/api/docs/new%20task');
  assert.equal(put.headers['If-None-Match'], '*');
  assert.equal(put.headers['X-Tenant'], 'acme');
  assert.deepEqual(put.json, { title: 'new' });
  assert.equal(document.confirmed.version, 1);
});

test('a persisted queue survives a reload and is sent by the new instance with its keys', async () => {
  const core = await truce();
  let stored;
  const persist = { load: () => stored, save: (state) => { stored = structuredClone(state); } };
  const offline = scripted(ok({ n: 0 }, 1), () => {
    throw new TypeError('offline');
  });
  const first = core.optimisticDocument({ id: 'task-1', transport: offline.transport, persist, sleep: () => new Promise(() => {}) });
  await first.load();
  first.edit({ n: 1 });
  first.save();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(first.status, 'offline');
  first.dispose();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(stored.mutations.length, 1);

  const online = scripted(ok({ n: 0 }, 1), ok({ n: 1 }, 2));
  const second = core.optimisticDocument({ id: 'task-1', transport: online.transport, persist });
  await second.load();
  assert.deepEqual(second.view, { n: 1 });
  await second.save();
  assert.equal(online.requests[1].headers['Idempotency-Key'], offline.requests[1].headers['Idempotency-Key']);
  assert.equal(second.confirmed.version, 2);
  assert.equal(stored.mutations.length, 0);
});

test('bad arguments are TruceErrors', async () => {
  const core = await truce();
  assert.throws(() => core.optimisticDocument({}), { name: 'TruceError', code: 'INVALID_ARGUMENT' });
  assert.throws(() => core.optimisticDocument({ id: 'x', transport: 42 }), { code: 'INVALID_ARGUMENT' });
  const { document } = await loaded(core, { n: 0 }, 1, []);
  assert.throws(() => document.edit(42), { code: 'INVALID_ARGUMENT' });
});

test('refresh asks with If-None-Match: 304 keeps the state, 200 with a newer version moves it and rebases pending edits', async () => {
  const core = await truce();
  const { document, fake } = await loaded(core, { title: 'a', n: 0 }, 1, [
    { status: 304, headers: { etag: '"1"' }, body: '' },
    ok({ title: 'a', n: 5 }, 2),
  ], { autosave: false });
  document.edit({ title: 'b' });
  await document.refresh();
  assert.equal(fake.requests[1].headers['If-None-Match'], '"1"');
  assert.equal(document.confirmed.version, 1);
  await document.refresh();
  assert.equal(document.confirmed.version, 2);
  assert.deepEqual(document.view, { title: 'b', n: 5 });
});

test('refresh while a save is in flight leaves the request alone', async () => {
  const core = await truce();
  let answer;
  const { document, fake } = await loaded(core, { n: 0 }, 1, [() => new Promise((resolve) => { answer = resolve; })]);
  document.edit({ n: 1 });
  const saving = document.save();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const key = fake.requests[1].headers['Idempotency-Key'];
  await document.refresh(); // would GET and rebase if it were not in flight
  assert.equal(fake.requests.length, 2);
  answer(ok({ n: 1 }, 2));
  await saving;
  assert.equal(document.confirmed.version, 2);
  assert.equal(fake.requests[1].headers['Idempotency-Key'], key);
});

test('hostile keys from the server stay plain data through edits, rebases and saves', async () => {
  const core = await truce();
  const hostile = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"title":"a"}';
  const latest = JSON.parse(hostile.replace('"title":"a"', '"n":1,"title":"a"'));
  const fake = scripted(
    { status: 200, headers: { etag: '"1"', 'x-version': '1' }, body: hostile },
    problem(412, 'PRECONDITION_FAILED', { actual: 2, current: latest }),
    (request) => ({ status: 200, headers: { etag: '"3"', 'x-version': '3' }, body: JSON.stringify(core.applyPatch(latest, JSON.parse(request.body))) }),
  );
  const document = core.optimisticDocument({ id: 't', transport: fake.transport, sleep: () => {} });
  await document.load();
  document.edit((draft) => {
    draft.title = 'b';
  });
  await document.save();
  assert.equal({}.polluted, undefined);
  assert.equal(Object.prototype.polluted, undefined);
  assert.equal(document.confirmed.version, 3);
  assert.ok(Object.hasOwn(document.view, '__proto__'));
  assert.deepEqual(document.view.__proto__, { polluted: true }); // eslint-disable-line no-proto
  assert.deepEqual(Object.keys(document.view).sort(), ['__proto__', 'constructor', 'n', 'title']);
  assert.equal(document.view.title, 'b');
});

test('a server that cannot write now (503) gets the same request again, then the status is error', async () => {
  const core = await truce();
  slept.length = 0;
  const unavailable = problem(503, 'STORE_UNAVAILABLE');
  const { document, fake } = await loaded(core, { n: 0 }, 1, [unavailable, unavailable, ok({ n: 1 }, 2)], { offlineDelays: [5, 7] });
  document.edit({ n: 1 });
  await document.save();
  assert.deepEqual(slept, [5, 7]);
  assert.equal(new Set(fake.requests.slice(1).map((r) => r.headers['Idempotency-Key'])).size, 1);
  assert.equal(document.confirmed.version, 2);

  const down = await loaded(core, { n: 0 }, 1, [unavailable, unavailable, unavailable], { offlineDelays: [5, 7] });
  down.document.edit({ n: 1 });
  await down.document.save();
  assert.equal(down.fake.requests.length, 4); // the first send and two more, then it stops
  assert.equal(down.document.status, 'error');
  assert.equal(down.document.error.code, 'STORE_UNAVAILABLE');
});

test('a transport that throws a TruceError is status error, not an unsettled save', async () => {
  const core = await truce();
  const { document } = await loaded(core, { n: 0 }, 1, [
    () => {
      throw new core.TruceError('INVALID_ARGUMENT', 'refused by the transport');
    },
  ]);
  document.edit({ n: 1 });
  await document.save();
  assert.equal(document.status, 'error');
  assert.equal(document.error.message, 'refused by the transport');
  assert.equal(document.pending.length, 1);
});

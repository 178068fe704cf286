// OptimisticDocument against a real truce-host process (SQLite in a temporary
// folder) over real HTTP with Node's fetch: the flows the web demo relies on.
import test from 'node:test';
import assert from 'node:assert/strict';
import { truce } from './helpers.mjs';
import { startHost } from './host-process.mjs';

async function serverState(api, id) {
  const response = await fetch(api + id);
  return { version: Number(response.headers.get('x-version')), doc: await response.json() };
}

test('OptimisticDocument against truce-host', async (t) => {
  const core = await truce();
  const host = await startHost();
  t.after(host.stop);
  let count = 0;
  // Two editors of one new task, as two browser tabs would be.
  async function twoEditors(initial, options = {}) {
    const id = `task-${(count += 1)}`;
    const creator = core.optimisticDocument({ id, url: host.api });
    await creator.load();
    creator.edit(() => initial);
    await creator.save();
    assert.equal(creator.confirmed.version, 1);
    const one = core.optimisticDocument({ id, url: host.api, ...options });
    const two = core.optimisticDocument({ id, url: host.api, ...options });
    await Promise.all([one.load(), two.load()]);
    return { id, one, two };
  }

  await t.test('the same field edited in both: conflict, then "apply my changes" wins at version +2', async () => {
    const { id, one, two } = await twoEditors({ title: 'Write docs', status: 'todo' });
    one.edit({ title: 'Write the docs' });
    await one.save();
    assert.equal(one.confirmed.version, 2);
    two.edit({ title: 'Write better docs' });
    await two.save();
    assert.equal(two.status, 'conflict');
    assert.deepEqual(two.conflict.latest, { title: 'Write the docs', status: 'todo' });
    assert.deepEqual(two.conflict.conflicts.map((c) => [c.path, c.mine, c.theirs]), [['/title', 'Write better docs', 'Write the docs']]);
    await two.resolveConflict('mine');
    assert.equal(two.status, 'idle');
    assert.deepEqual(await serverState(host.api, id), { version: 3, doc: { title: 'Write better docs', status: 'todo' } });
    await one.refresh();
    assert.equal(one.view.title, 'Write better docs');
  });

  await t.test('different fields edited in both: merged by the server, both kept, no conflict', async () => {
    const { id, one, two } = await twoEditors({ title: 'Plan', status: 'todo', tags: ['ui'] }, {
      mergeOptions: { rules: { '/tags': 'set' } },
    });
    one.edit({ title: 'Plan the sprint' });
    await one.save();
    two.edit((draft) => {
      draft.status = 'doing';
      draft.tags.push('api');
    });
    await two.save();
    assert.equal(two.status, 'idle');
    assert.deepEqual(two.getSnapshot().notice, { type: 'merged', version: 3 });
    const expected = { title: 'Plan the sprint', status: 'doing', tags: ['ui', 'api'] };
    assert.deepEqual(two.view, expected);
    assert.deepEqual(await serverState(host.api, id), { version: 3, doc: expected });
  });

  await t.test('"discard my changes" shows the server state and writes nothing', async () => {
    const { id, one, two } = await twoEditors({ title: 'A' });
    one.edit({ title: 'B' });
    await one.save();
    two.edit({ title: 'C' });
    await two.save();
    assert.equal(two.status, 'conflict');
    await two.resolveConflict('discard');
    assert.deepEqual(two.view, { title: 'B' });
    assert.deepEqual(await serverState(host.api, id), { version: 2, doc: { title: 'B' } });
  });

  await t.test('a save whose response is lost is sent again and writes once', async () => {
    const id = `task-${(count += 1)}`;
    let dropped = 0;
    const real = core.fetchTransport(fetch);
    const losing = async (request) => {
      const answer = await real(request);
      if (request.method !== 'GET' && dropped < 1) {
        dropped += 1;
        throw new TypeError('the connection dropped before the answer arrived');
      }
      return answer;
    };
    const document = core.optimisticDocument({ id, url: host.api, transport: losing, offlineDelays: [5] });
    await document.load();
    document.edit(() => ({ count: 1 }));
    await document.save();
    document.edit({ count: 2 });
    dropped = 0;
    await document.save();
    assert.equal(dropped, 1);
    assert.equal(document.confirmed.version, 2);
    assert.deepEqual(await serverState(host.api, id), { version: 2, doc: { count: 2 } });
  });
});

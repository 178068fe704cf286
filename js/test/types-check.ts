// Compiled by tsc (never run): the public types accept what the docs show and
// reject what they forbid (each @ts-expect-error must be an error).
import { init, TruceError, type JsonValue, type Truce, type UpdateResult } from 'truce';

async function usage(): Promise<void> {
  const truce: Truce = await init({ locateFile: (path, prefix) => prefix + path });
  const conflict: TruceError | null = truce.checkVersion(2, 3);
  if (conflict) {
    const code: string = conflict.code;
    const status: number | undefined = conflict.status;
    void code, status;
  }
  truce.checkVersion('any', null);
  truce.checkVersion(9007199254740993n, '9007199254740993');
  const next = truce.nextVersion(undefined);
  const etag: string = truce.makeEtag(next);
  const holds: boolean = truce.ifMatch(`${etag}, W/"x"`, etag);
  const expected = truce.expectedFromHeaders({ ifMatch: etag });
  void holds, expected;

  let stored = { count: 0, version: 1 as number | string };
  const result: UpdateResult<{ count: number }> = await truce.updateWithRetry('counter', {
    load: async () => ({ value: { count: stored.count }, version: stored.version }),
    mutate: (current) => ({ count: (current?.count ?? 0) + 1 }),
    store: async (_id, value, _expected) => {
      stored = { count: value.count, version: truce.nextVersion(stored.version) };
      return stored.version;
    },
    backoff: { maxAttempts: 5, jitter: 0.5 },
    onConflict: (id, attempt, error) => console.log(id, attempt, error.message),
  });
  void result.value.count;

  const problem = truce.toProblem(new TruceError('VERSION_CONFLICT', 'x', {}, 409), '/api/docs/a');
  void problem.status;

  // Idempotency: canonical JSON and fingerprints (bodies typed as interfaces are accepted)
  interface Order {
    items: { sku: string; qty: number }[];
  }
  const order: Order = { items: [{ sku: 'A1', qty: 2 }] };
  const canonical: string = truce.canonicalJSON(order);
  const digest: string = truce.sha256Hex(canonical);
  const fingerprint: string = truce.fingerprint('POST', '/orders', order);
  truce.fingerprint('DELETE', '/orders/1');
  void digest, fingerprint;
  // @ts-expect-error: the method is a string
  truce.fingerprint(1, '/orders', order);
  // @ts-expect-error: sha256Hex hashes text
  truce.sha256Hex(new Uint8Array(1));

  const key: string = truce.newIdempotencyKey();
  const parsed = truce.parseUuid(key);
  const when: number | undefined = parsed?.unixMs;
  const check = truce.checkKey(key, { minLength: 8 });
  const ledger = truce.createLedger({ ttlMs: 60000 });
  const begun = ledger.begin('tenant', key, truce.fingerprint('POST', '/orders', order));
  if (begun.kind === 'proceed') ledger.complete('tenant', key, begun.token, { status: 201, body: '{}' });
  if (begun.kind === 'replay') void begun.response.status;
  ledger.dispose();
  void when, check;
  // @ts-expect-error: a stored response needs a status
  ledger.complete('tenant', key, 'token', { body: '' });

  // @ts-expect-error: options must be an object of known loader hooks
  await init({ wasmBinary: 'not bytes' });
  // @ts-expect-error: versions are numbers, strings or bigints
  truce.checkVersion({}, 1);
  // @ts-expect-error: mutate must return the document type
  await truce.updateWithRetry<number>('x', { load: () => ({}), mutate: () => 'text', store: () => 1 });

  interface Task { [key: string]: JsonValue; title: string; tags: string[] }
  const task = truce.optimisticDocument<Task>({
    id: 'task-1',
    mergeOptions: { rules: { '/tags': 'set' } },
    onConflict: ({ latest, conflicts }) => (conflicts.length > 1 || latest.title === '' ? 'discard' : { '/title': 'mine' }),
  });
  const stop = task.subscribe((snapshot) => {
    const status: 'idle' | 'saving' | 'conflict' | 'error' | 'offline' = snapshot.status;
    void status, snapshot.view?.title;
  });
  await task.load();
  task.edit((draft) => {
    draft.tags.push('ui');
  });
  task.edit([{ op: 'replace', path: '/title', value: 'New' }]);
  await task.save();
  stop();
  // @ts-expect-error: a conflict answer is a choice map or one of the four words
  await task.resolveConflict('yours');
}
void usage;

// OptimisticDocument: one server document edited optimistically.
//
// `confirmed` is what the server last said (document, version, ETag); each
// edit becomes a pending mutation (a JSON Patch against the state it was
// made on, with its own Idempotency-Key) and `view` is the pending
// mutations applied onto `confirmed`. Mutations are sent oldest first, one at
// a time, as PATCH with If-Match (or PUT with If-None-Match: * to create).
// When the server moved on, the mutation is carried onto its latest state
// with the WASM core's rebase: clean → sent again after a short backoff;
// conflicts → status 'conflict' until the user chooses (resolveConflict) or
// gives up (discard). A request that got no answer is sent again unchanged,
// under the same key, so a lost response never writes twice.
import { TruceError } from './errors.mjs';

const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const OFFLINE_DELAYS_MS = [100, 200, 400, 800, 1600, 3200, 5000];
const RETRYABLE_STATUS = new Set([502, 503, 504]);

function requireFunction(value, name) {
  if (typeof value !== 'function') {
    throw new TruceError('INVALID_ARGUMENT', `OptimisticDocument needs ${name} to be a function`, { name }, 400);
  }
}

// The default transport: fetch, answers read as text.
export function fetchTransport(fetchImpl = globalThis.fetch) {
  requireFunction(fetchImpl, 'fetch');
  return async ({ method, url, headers, body }) => {
    const response = await fetchImpl(url, { method, headers, body });
    const names = {};
    response.headers.forEach((value, name) => {
      names[name.toLowerCase()] = value;
    });
    return { status: response.status, headers: names, body: await response.text() };
  };
}

function parseBody(answer) {
  try {
    return answer.body ? JSON.parse(answer.body) : null;
  } catch {
    return null;
  }
}

// The server's error as a TruceError (problem+json when it sent one).
function answerError(answer, request) {
  const problem = parseBody(answer);
  if (problem && typeof problem.code === 'string') {
    return new TruceError(problem.code, problem.detail ?? problem.title ?? 'Request refused', problem.details ?? {}, answer.status);
  }
  return new TruceError('HTTP_ERROR', `${request.method} ${request.url} answered ${answer.status}`, { status: answer.status }, answer.status);
}

function versionOf(answer) {
  const header = answer.headers['x-version'];
  if (header === undefined) return undefined;
  const number = Number(header);
  return Number.isSafeInteger(number) ? number : header;
}

// The server's state as a 200/201 answer carries it.
function confirmedFrom(answer) {
  return { doc: parseBody(answer), version: versionOf(answer), etag: answer.headers.etag };
}

export class OptimisticDocument {
  #core;
  #id;
  #url;
  #transport;
  #headers;
  #mergeOptions;
  #autosave;
  #backoff;
  #offlineDelays;
  #onConflict;
  #persist;
  #sleep;
  #random;
  #listeners = new Set();
  #confirmed = null; // { doc, version, etag } or null while the document does not exist
  #pending = []; // { key, kind: 'create' | 'patch', patch, before, after, sent }
  #view = null;
  #status = 'idle';
  #conflict = null;
  #error = null;
  #notice = null;
  #snapshot = null;
  #pumping = null;
  #disposed = false;

  constructor(core, options = {}) {
    const { id, url = '/api/docs/', tenant, headers = {}, transport, fetch, mergeOptions, autosave = true } = options;
    if (typeof id !== 'string' || id === '') {
      throw new TruceError('INVALID_ARGUMENT', 'OptimisticDocument needs an id (a non-empty string)', { argument: 'id' }, 400);
    }
    this.#core = core;
    this.#id = id;
    this.#url = url.endsWith('/') ? url + encodeURIComponent(id) : `${url}/${encodeURIComponent(id)}`;
    this.#transport = transport ?? fetchTransport(fetch);
    requireFunction(this.#transport, 'transport');
    this.#headers = { ...headers, ...(tenant ? { 'X-Tenant': tenant } : {}) };
    this.#mergeOptions = mergeOptions ?? null;
    this.#autosave = autosave;
    this.#backoff = { maxAttempts: 4, baseMs: 10, factor: 2, capMs: 1000, jitter: 0.5, ...options.backoff };
    this.#offlineDelays = options.offlineDelays ?? OFFLINE_DELAYS_MS;
    this.#onConflict = options.onConflict ?? null;
    this.#persist = options.persist ?? null;
    this.#sleep = options.sleep ?? realSleep;
    this.#random = options.random ?? Math.random;
    this.#snapshot = this.#makeSnapshot();
  }

  get id() { return this.#id; }
  get view() { return this.#view; }
  get status() { return this.#status; }
  get confirmed() { return this.#confirmed; }
  get pending() { return this.#pending.map(({ key, kind, patch }) => ({ key, kind, patch })); }
  get conflict() { return this.#conflict; }
  get error() { return this.#error; }

  /** Calls listener(snapshot, event) on every change of view or status; returns unsubscribe. */
  subscribe(listener) {
    requireFunction(listener, 'a listener');
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The same object until something changes (for useSyncExternalStore and the like). */
  getSnapshot() { return this.#snapshot; }

  /** Reads the server's state (and a persisted queue, if any), then sends what is pending. */
  async load() {
    if (this.#persist) await this.#restore();
    await this.refresh();
    if (this.#pending.length > 0 && this.#autosave) this.save();
    return this.#view;
  }

  /**
   * Reads the server's latest state and carries the pending mutations onto
   * it. While a save is in flight it does nothing: the save's answer brings
   * the state, and rebasing the mutation in flight would change a request
   * the server may already have applied.
   */
  async refresh() {
    if (this.#pumping) return this.#view;
    // If-None-Match: an unchanged document costs a 304 and no parsing.
    const request = this.#request('GET', undefined, this.#confirmed ? { 'If-None-Match': this.#confirmed.etag } : {});
    const answer = await this.#transport(request);
    if (answer.status === 304) return this.#view;
    if (answer.status === 404) {
      if (this.#confirmed === null) this.#update({ type: 'refreshed' });
      return this.#view;
    }
    if (answer.status !== 200) throw answerError(answer, request);
    const version = versionOf(answer);
    if (this.#confirmed === null || Number(version) > Number(this.#confirmed.version)) {
      this.#confirmed = confirmedFrom(answer);
    }
    this.#update({ type: 'refreshed' });
    return this.#view;
  }

  /**
   * Edits the view now and queues the change: a recipe (draft => void | next
   * document, given a copy of the view), a JSON Patch (array of operations),
   * or a merge patch (any other object).
   */
  edit(change) {
    if (this.#disposed) throw new TruceError('INVALID_ARGUMENT', 'this OptimisticDocument was disposed of', {}, 400);
    const before = this.#view;
    let after;
    if (typeof change === 'function') {
      const draft = before === null ? {} : structuredClone(before);
      const returned = change(draft);
      after = returned === undefined ? draft : returned;
    } else if (Array.isArray(change)) {
      after = this.#core.applyPatch(before ?? {}, change);
    } else if (change !== null && typeof change === 'object') {
      after = this.#core.applyMergePatch(before ?? {}, change);
    } else {
      throw new TruceError('INVALID_ARGUMENT', 'edit takes a recipe function, a JSON Patch or a merge patch', {}, 400);
    }
    const creating = this.#confirmed === null && this.#pending.length === 0;
    const patch = creating ? [] : this.#core.diff(before, after);
    if (!creating && patch.length === 0) return this.#view;
    this.#pending.push({ key: this.#core.newIdempotencyKey(), kind: creating ? 'create' : 'patch', patch, before, after, sent: false });
    this.#update({ type: 'edited' });
    if (this.#autosave) queueMicrotask(() => this.save().catch(() => {}));
    return this.#view;
  }

  /**
   * Sends the pending mutations, oldest first. Resolves when none is left,
   * or when the status becomes 'conflict' or 'error'.
   */
  save() {
    this.#pumping ??= this.#pump().finally(() => {
      this.#pumping = null;
    });
    return this.#pumping;
  }

  /**
   * Settles the conflict: choices maps conflict paths to 'mine' | 'theirs' |
   * 'base' | { value }; the single string 'mine' or 'theirs' applies to every
   * path; 'discard' drops the pending mutations. The resolved document is then
   * sent as a change to the latest version.
   */
  resolveConflict(choices) {
    if (this.#status !== 'conflict') return Promise.resolve();
    if (choices === 'discard') {
      this.discard();
      return Promise.resolve();
    }
    const { latest, mergeResult } = this.#conflict;
    const perPath = typeof choices === 'string'
      ? Object.fromEntries(mergeResult.conflicts.map(({ path }) => [path, choices]))
      : choices ?? {};
    const resolved = this.#core.resolve(mergeResult, perPath);
    this.#pending[0] = {
      key: this.#core.newIdempotencyKey(),
      kind: 'patch',
      patch: this.#core.diff(latest, resolved),
      before: latest,
      after: resolved,
      sent: false,
    };
    if (this.#pending[0].patch.length === 0) this.#pending.shift(); // the latest state already says it
    this.#conflict = null;
    this.#setStatus('saving');
    this.#update({ type: 'resolved' });
    return this.save();
  }

  /** Drops every pending mutation and shows the server's state. */
  discard() {
    this.#pending = [];
    this.#conflict = null;
    this.#error = null;
    this.#setStatus('idle');
    this.#update({ type: 'discarded' });
  }

  /** Stops sending; the instance cannot be edited afterwards. */
  dispose() {
    this.#disposed = true;
    this.#listeners.clear();
  }

  #request(method, body, headers) {
    return { method, url: this.#url, headers: { ...this.#headers, ...headers }, body };
  }

  #requestFor(mutation) {
    const headers = { 'Idempotency-Key': mutation.key };
    if (mutation.kind === 'create') {
      return this.#request('PUT', JSON.stringify(mutation.after), {
        ...headers, 'Content-Type': 'application/json', 'If-None-Match': '*',
      });
    }
    if (this.#mergeOptions) headers['X-Merge-Options'] = JSON.stringify(this.#mergeOptions);
    return this.#request('PATCH', JSON.stringify(mutation.patch), {
      ...headers, 'Content-Type': 'application/json-patch+json', 'If-Match': this.#confirmed.etag,
    });
  }

  async #pump() {
    let rounds = 0; // sends after a conflict this save
    let failures = 0; // sends without an answer in a row
    let unavailable = 0; // 502/503/504 answers in a row
    while (!this.#disposed && this.#pending.length > 0 && this.#status !== 'conflict') {
      const mutation = this.#pending[0];
      if (mutation.kind === 'patch' && mutation.before !== this.#confirmed?.doc) {
        this.#enterConflict(); // the queue could not be carried onto the latest state cleanly
        break;
      }
      this.#setStatus(failures > 0 ? 'offline' : 'saving');
      const request = this.#requestFor(mutation);
      mutation.sent = true;
      let answer;
      try {
        answer = await this.#transport(request);
      } catch (error) {
        // A TruceError is the transport refusing, not a lost answer.
        if (error instanceof TruceError) {
          this.#fail(error);
          break;
        }
        // No answer: the server may or may not have written. Same request,
        // same key: at worst the server replays what it already did.
        this.#error = error;
        this.#setStatus('offline');
        await this.#sleep(this.#offlineDelays[Math.min(failures, this.#offlineDelays.length - 1)]);
        failures += 1;
        continue;
      }
      failures = 0;
      unavailable = RETRYABLE_STATUS.has(answer.status) ? unavailable + 1 : 0;
      const written = answer.status === 200 || answer.status === 201;
      if (this.#pending[0] !== mutation) {
        // Discarded while in flight: what the server wrote is still its state.
        if (written) this.#confirmed = confirmedFrom(answer);
        this.#update({ type: 'refreshed' });
        continue;
      }
      const problem = answer.status >= 400 ? parseBody(answer) : null;
      if (written) {
        this.#confirmed = confirmedFrom(answer);
        this.#pending.shift();
        this.#error = null;
        const merged = answer.headers['x-merged'] === 'true';
        this.#notice = merged ? { type: 'merged', version: this.#confirmed.version } : null;
        this.#update({ type: merged ? 'merged' : 'saved', version: this.#confirmed.version });
      } else if (answer.status === 409 && problem?.code === 'IDEMPOTENCY_IN_FLIGHT') {
        const seconds = Number(answer.headers['retry-after']);
        await this.#sleep(Number.isFinite(seconds) ? seconds * 1000 : this.#offlineDelays[0]);
      } else if ((answer.status === 409 || answer.status === 412) && problem?.details?.current !== undefined) {
        // The server moved on; its latest state rides in the problem body.
        this.#confirmed = {
          doc: problem.details.current,
          version: problem.details.actual,
          etag: answer.headers.etag ?? this.#core.makeEtag(problem.details.actual),
        };
        if (mutation.kind === 'create') this.#rebaseCreate(mutation);
        this.#update({ type: 'rebased' });
        if (this.#pending[0]?.before !== this.#confirmed.doc) {
          this.#enterConflict();
          break;
        }
        rounds += 1;
        if (rounds >= this.#backoff.maxAttempts) {
          this.#fail(new TruceError('VERSION_CONFLICT', `Gave up saving '${this.#id}' after ${rounds} conflicting rounds`, { rounds }, 409));
          break;
        }
        await this.#sleep(this.#core.backoffDelay(this.#backoff, rounds, this.#random()));
      } else if (unavailable > 0 && unavailable <= this.#offlineDelays.length) {
        // The server is there but cannot write now: same request, same key.
        await this.#sleep(this.#offlineDelays[unavailable - 1]);
      } else {
        this.#fail(answerError(answer, request));
        break;
      }
    }
    if (this.#pending.length === 0 && this.#status !== 'error') this.#setStatus('idle');
  }

  // A create refused because the document exists: carry the new document
  // onto it as an edit of the empty document.
  #rebaseCreate(mutation) {
    Object.assign(mutation, { kind: 'patch', before: {}, patch: this.#core.diff({}, mutation.after) });
  }

  #enterConflict() {
    const mutation = this.#pending[0];
    const latest = this.#confirmed.doc;
    const mergeResult = this.#core.merge(mutation.before, mutation.after, latest, this.#mergeOptions ?? undefined);
    this.#conflict = {
      latest,
      latestVersion: this.#confirmed.version,
      base: mutation.before,
      mine: mutation.after,
      conflicts: mergeResult.conflicts,
      mergeResult,
    };
    this.#setStatus('conflict');
    this.#emit({ type: 'conflict' });
    if (this.#onConflict) {
      Promise.resolve()
        .then(() => this.#onConflict({ latest, mine: mutation.after, base: mutation.before, conflicts: mergeResult.conflicts }))
        .then((answer) => (answer === undefined ? undefined : this.resolveConflict(answer)))
        .catch((error) => this.#fail(error instanceof TruceError ? error : new TruceError('INTERNAL', String(error?.message ?? error), {}, 500)));
    }
  }

  #fail(error) {
    this.#error = error;
    this.#setStatus('error');
  }

  // Recomputes the view: each pending mutation applied onto the state before
  // it, carried onto that state first when it was made on another one. A
  // mutation that cannot be carried cleanly keeps its old base (pump turns
  // that into a conflict) and the view shows the user's side.
  #recompute() {
    let state = this.#confirmed?.doc ?? null;
    for (const mutation of this.#pending) {
      if (mutation.kind === 'create' || mutation.before === state) {
        state = mutation.after;
        continue;
      }
      // Conflicts are listed in every mode; 'mine' only decides what the view shows meanwhile.
      const carried = this.#core.rebase(mutation.patch, mutation.before, state, { ...this.#mergeOptions, onConflict: 'mine' });
      if (!carried.clean) {
        state = carried.merged;
        continue;
      }
      if (mutation.sent) {
        // Its key went out with the old patch: the new one needs its own.
        mutation.key = this.#core.newIdempotencyKey();
        mutation.sent = false;
      }
      Object.assign(mutation, { patch: carried.patch, before: state, after: carried.merged });
      state = carried.merged;
    }
    this.#view = state;
  }

  #update(event) {
    this.#recompute();
    this.#save();
    this.#emit(event);
  }

  #setStatus(status) {
    if (this.#status === status) return;
    this.#status = status;
    this.#emit({ type: 'status', status });
  }

  #makeSnapshot() {
    return Object.freeze({
      view: this.#view,
      status: this.#status,
      confirmed: this.#confirmed,
      pending: this.#pending.length,
      conflict: this.#conflict,
      error: this.#error,
      notice: this.#notice,
    });
  }

  #emit(event) {
    this.#snapshot = this.#makeSnapshot();
    for (const listener of [...this.#listeners]) listener(this.#snapshot, event);
  }

  #save() {
    if (!this.#persist) return;
    const state = {
      id: this.#id,
      confirmed: this.#confirmed,
      base: this.#pending[0]?.before ?? null,
      mutations: this.#pending.map(({ key, kind, patch, after, sent }) => ({ key, kind, patch, sent, ...(kind === 'create' ? { after } : {}) })),
    };
    Promise.resolve()
      .then(() => this.#persist.save(state))
      .catch(() => {});
  }

  async #restore() {
    const state = await this.#persist.load();
    if (!state || state.id !== this.#id) return;
    this.#confirmed = state.confirmed ?? null;
    let before = state.base;
    if (this.#confirmed && JSON.stringify(before) === JSON.stringify(this.#confirmed.doc)) before = this.#confirmed.doc;
    this.#pending = (state.mutations ?? []).map(({ key, kind, patch, sent, after }) => {
      const mutation = { key, kind, patch, sent, before, after: kind === 'create' ? after : this.#core.applyPatch(before, patch) };
      before = mutation.after;
      return mutation;
    });
    this.#update({ type: 'restored' });
  }
}

// The idiomatic JS API over the WASM module's exports. Arguments cross as one
// JSON array and results come back as an envelope ({ok} or {error}), so C++
// failures arrive as TruceError instances, never as numbers or aborts.
import { TruceError } from './errors.mjs';
import { updateWithRetry } from './retry.mjs';
import { OptimisticDocument, fetchTransport } from './optimistic.mjs';
import { canonicalArgument, stringArgument } from './canonical.mjs';
import { loneSurrogateAt, toWellFormed, utf8Length } from './utf8.mjs';

// Versions past 2^53 - 1 cannot be JS numbers without losing digits: they
// travel as decimal strings (or are given as BigInt) and come back as strings.
function versionArg(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new TruceError(
      'INVALID_VERSION',
      `Version ${value} is beyond Number.MAX_SAFE_INTEGER and has lost digits: pass it as a string or a BigInt`,
      { value: String(value) },
      400,
    );
  }
  return value;
}

function requireText(value, name) {
  if (typeof value !== 'string') {
    throw new TruceError('INVALID_ARGUMENT', `${name} must be a string of JSON text`, { argument: name }, 400);
  }
  return value;
}

function errorValue(wire) {
  return wire === null ? null : TruceError.from(wire);
}

const sidePrefix = (side) => (side ? `${side}: ` : '');
const withSide = (details, side) => (side ? { ...details, side } : details);

// The core's refusal of a text past maxBytes. `actual` is known once the
// text is encoded; a text refused on its UTF-16 length alone never is.
function tooLarge(maxBytes, side, actual) {
  const size = actual === undefined ? 'longer than the limit' : `${actual} bytes`;
  const message = `${sidePrefix(side)}JSON text is ${size}, the limit is ${maxBytes}`;
  const details = actual === undefined ? { limit: 'bytes', max: maxBytes } : { limit: 'bytes', max: maxBytes, actual };
  return new TruceError('LIMIT_EXCEEDED', message, withSide(details, side), 413);
}

// A failure of the module itself (a trap, an exception no C++ handler took)
// still reaches the caller as a TruceError.
function moduleFailure(error) {
  if (error instanceof TruceError) return error;
  const message = `The WebAssembly module failed: ${error?.message ?? error}`;
  return new TruceError('INTERNAL', message, {}, 500);
}

export function createApi(module) {
  // Long texts go in through the module's memory (TextEncoder.encodeInto)
  // and come back the same way (TextDecoder): embind's std::string
  // conversion runs a JS loop per byte each way (95 ms in for a 9 MB text,
  // against 3). Short texts keep embind's path (no malloc). A text with a
  // lone surrogate takes neither: checkWellFormed refuses it first.
  const limits = Object.freeze(JSON.parse(module.parse_limits('[null]')).ok);
  const encoder = new TextEncoder();
  const IN_MEMORY_FROM = 4096; // UTF-16 units
  const withTextsInMemory = (texts, run) => {
    const blocks = [];
    const allocate = (size) => {
      const at = module._malloc(Math.max(1, size));
      if (!at) throw new TruceError('OUT_OF_MEMORY', 'Not enough WebAssembly memory for the arguments', {}, 503);
      blocks.push(at);
      return at;
    };
    try {
      const ranges = [];
      for (const text of texts) {
        // Encoded straight into the heap (HEAPU8 read after each malloc:
        // growing the memory replaces the view). A byte per UTF-16 unit is
        // room enough for ASCII; past the first other character, the rest
        // gets up to three bytes a unit in a second block, which replaces
        // the first.
        let at = allocate(text.length);
        let { read, written } = encoder.encodeInto(text, module.HEAPU8.subarray(at, at + text.length));
        if (read < text.length) {
          const room = written + (text.length - read) * 3;
          const wider = allocate(room);
          module.HEAPU8.copyWithin(wider, at, at + written);
          module._free(blocks.splice(blocks.indexOf(at), 1)[0]);
          written += encoder.encodeInto(text.slice(read), module.HEAPU8.subarray(wider + written, wider + room)).written;
          at = wider;
        }
        ranges.push(at, written);
      }
      return run(ranges);
    } finally {
      for (const at of blocks) module._free(at);
    }
  };
  // The answer of an in-memory call: a { data, size } pair in the heap.
  const decoder = new TextDecoder();
  const answerText = (at) => {
    const words = module.HEAPU32;
    const data = words[at >> 2];
    const size = words[(at >> 2) + 1];
    try {
      return decoder.decode(module.HEAPU8.subarray(data, data + size));
    } finally {
      module.release_text_in_memory();
    }
  };
  const inMemory = (texts) => texts.some((text) => text.length >= IN_MEMORY_FROM);
  const invoke = (run) => {
    try {
      return run();
    } catch (error) {
      throw moduleFailure(error);
    }
  };

  // Refused before a text is encoded or copied into the module, with the
  // core's codes. Past maxBytes: by UTF-16 length alone (a lower bound of the
  // UTF-8 size, so a 100 MB text costs nothing to refuse), else, only for a
  // text that could be past it, by its UTF-8 size counted without encoding.
  // Holding a lone surrogate: INVALID_JSON at the byte where the core would stop.
  const checkSize = (text, maxBytes, side) => {
    if (text.length > maxBytes) throw tooLarge(maxBytes, side);
    if (text.length * 3 > maxBytes) {
      const size = utf8Length(text);
      if (size > maxBytes) throw tooLarge(maxBytes, side, size);
    }
  };
  const checkWellFormed = (text, side) => {
    const at = loneSurrogateAt(text);
    if (at >= 0) {
      const offset = encoder.encode(text.slice(0, at)).length;
      const unit = text.charCodeAt(at).toString(16).toUpperCase();
      const message = `${sidePrefix(side)}invalid JSON at byte ${offset}: lone surrogate U+${unit} has no UTF-8 form`;
      throw new TruceError('INVALID_JSON', message, withSide({ offset }, side), 400);
    }
  };

  // Arguments already written as one JSON array text (JSON.stringify's or
  // canonical.mjs's: never a lone surrogate), parsed under the default limits.
  const callText = (name, argsText) => {
    checkSize(argsText, limits.maxBytes);
    const out = invoke(() =>
      inMemory([argsText])
        ? withTextsInMemory([argsText], ([at, size]) => answerText(module.call_in_memory(name, at, size)))
        : module[name](argsText),
    );
    const envelope = JSON.parse(out);
    if (envelope.error) throw TruceError.from(envelope.error);
    return envelope.ok;
  };
  const call = (name, ...args) => callText(name, JSON.stringify(args));
  const SIDES = ['base', 'mine', 'theirs'];

  const api = {
    TruceError,

    // Versions
    checkVersion: (expected, actual) => errorValue(call('check_version', versionArg(expected), versionArg(actual))),
    nextVersion: (current) => call('next_version', versionArg(current)),
    parseExpected: (expected) => call('parse_expected', versionArg(expected)),

    // Timestamps as versions
    normalizeTimestamp: (text) => call('normalize_timestamp', text),
    checkTimestampVersion: (expected, actual) => errorValue(call('check_timestamp_version', expected, actual ?? null)),

    // ETags and conditional requests
    makeEtag: (version) => call('make_etag', versionArg(version)),
    versionFromEtag: (etag) => call('version_from_etag', etag),
    parseEtagCondition: (header) => call('parse_etag_condition', header),
    strongMatch: (a, b) => call('strong_match', a, b),
    weakMatch: (a, b) => call('weak_match', a, b),
    ifMatch: (header, currentEtag) => call('if_match', header, currentEtag ?? null),
    ifNoneMatch: (header, currentEtag) => call('if_none_match', header, currentEtag ?? null),
    expectedFromHeaders: ({ ifMatch = null, ifNoneMatch = null } = {}) =>
      call('expected_from_headers', ifMatch, ifNoneMatch),

    // Retries
    backoffDelay: (backoff, attempt, random = 0) => call('backoff_delay', backoff ?? {}, attempt, random),
    updateWithRetry: (id, steps) =>
      updateWithRetry(id, steps, {
        nextVersion: api.nextVersion,
        delayAfterConflict: (backoff, attempt, conflict, unit) =>
          call('delay_after_conflict', backoff, String(id), attempt, conflict.toJSON(), unit),
      }),

    // Merging
    // Long documents cross as three texts and are merged as texts (the
    // module builds only what the sides changed), answering exactly what
    // the argument array would (merge_value_texts).
    merge: (base, mine, theirs, options) => {
      const texts = [base, mine, theirs, options ?? null].map((value) => JSON.stringify(value) ?? 'null');
      const argsLength = texts.reduce((sum, text) => sum + text.length, 5);
      // Past maxBytes by length alone: refused here, as callText refuses it.
      if (!inMemory(texts) || argsLength > limits.maxBytes) return callText('merge', `[${texts.join(',')}]`);
      const out = invoke(() =>
        withTextsInMemory(texts, (ranges) => answerText(module.merge_values_in_memory(...ranges))),
      );
      const envelope = JSON.parse(out);
      if (envelope.error) throw TruceError.from(envelope.error);
      return envelope.ok;
    },
    // The same merge from and to wire text: no JS objects built, key order kept exactly.
    mergeJSON: (baseText, mineText, theirsText, options) => {
      const texts = [requireText(baseText, 'baseText'), requireText(mineText, 'mineText'), requireText(theirsText, 'theirsText')];
      // Options first, as the core checks them: a bad option is reported
      // before a text too long to cross.
      const { maxBytes } = options === undefined || options === null ? limits : call('merge_json_limits', options);
      texts.forEach((text, i) => checkSize(text, maxBytes, SIDES[i]));
      texts.forEach((text, i) => checkWellFormed(text, SIDES[i]));
      const optionsText = options === undefined || options === null ? '' : JSON.stringify(options);
      const out = invoke(() =>
        inMemory(texts)
          ? withTextsInMemory(texts, (ranges) => answerText(module.merge_json_in_memory(...ranges, optionsText)))
          : module.merge_json(...texts, optionsText),
      );
      const newline = out.indexOf('\n');
      const envelope = JSON.parse(out.slice(0, newline));
      if (envelope.error) throw TruceError.from(envelope.error);
      return { mergedText: out.slice(newline + 1), ...envelope.ok };
    },
    resolve: (result, choices) =>
      call('resolve', { merged: result?.merged, conflicts: result?.conflicts }, choices ?? {}),
    rebase: (patch, base, latest, options) => call('rebase', patch, base, latest, options ?? null),

    // JSON Patch (RFC 6902) and Merge Patch (RFC 7396)
    diff: (from, to, options) => call('diff', from, to, options ?? null),
    applyPatch: (document, patch) => call('apply_patch', document, patch),
    createMergePatch: (from, to) => call('create_merge_patch', from, to),
    applyMergePatch: (target, patch) => call('apply_merge_patch', target, patch),

    // Idempotency: canonical JSON and fingerprints
    canonicalJSON: (value) => callText('canonical_json', `[${canonicalArgument(value, 'value')}]`),
    sha256Hex: (text) => call('sha256_hex', typeof text === 'string' ? toWellFormed(text) : text),
    fingerprint: (method, path, body) =>
      callText(
        'fingerprint',
        `[${stringArgument(method, 'method')},${stringArgument(path, 'path')},${canonicalArgument(body ?? null, 'body')}]`,
      ),

    // Idempotency: keys
    newIdempotencyKey: () => call('new_idempotency_key'),
    newUuidV4: () => call('new_uuid_v4'),
    newSessionId: () => call('new_session_id'),
    parseUuid: (text) => call('parse_uuid', text),
    checkKey: (key, policy) => call('check_key', key, policy ?? null),
    isValidKey: (key, policy) => call('check_key', key, policy ?? null).valid,

    // Idempotency: a ledger over the in-memory store (one page or worker).
    createLedger: (options) => {
      let handle = call('ledger_create', options ?? null);
      const live = () => {
        if (handle === null) throw new TruceError('INVALID_ARGUMENT', 'this ledger was disposed of', {}, 400);
        return handle;
      };
      return {
        begin: (scope, key, fingerprint, now = Date.now()) => call('ledger_begin', live(), scope, key, fingerprint, now),
        complete: (scope, key, token, response, now = Date.now()) => {
          call('ledger_complete', live(), scope, key, token, { headers: {}, body: '', ...response }, now);
        },
        abandon: (scope, key, token) => {
          call('ledger_abandon', live(), scope, key, token);
        },
        purgeExpired: (now = Date.now()) => call('ledger_purge', live(), now),
        dispose: () => {
          if (handle !== null) call('ledger_dispose', handle);
          handle = null;
        },
      };
    },

    // The browser side: one server document edited optimistically (optimistic.mjs).
    optimisticDocument: (options) => new OptimisticDocument(api, options),
    fetchTransport,

    // The parse limits every call without its own `limits` works under (docs/limits.md).
    limits,
    // The module's memory: its size (a WebAssembly memory grows and never
    // shrinks) and the bytes malloc has handed out and not had back.
    memoryUsage: () => ({ heapBytes: module.HEAPU8.length, inUseBytes: module.heap_bytes_in_use() }),

    // Errors
    toProblem: (error, instance) => call('to_problem_json', error.toJSON(), instance ?? null),
  };
  return Object.freeze(api);
}

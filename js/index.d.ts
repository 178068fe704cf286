// Hand-written types for the truce package (checked by tsc in the test suite).

/**
 * A resource version. Numbers up to Number.MAX_SAFE_INTEGER; past that, pass a
 * decimal string or a bigint. Versions returned past 2^53 - 1 are strings.
 */
export type Version = number | string;
export type VersionInput = number | string | bigint;

/** What a writer expects: an exact version, 'any', 'exists', or no resource yet (null, -1 or 'no_stream'). */
export type ExpectedInput = VersionInput | 'any' | 'exists' | 'no_stream' | null;

export type ExpectedKind = 'any' | 'no_stream' | 'exists' | 'exact';
export interface ParsedExpected {
  kind: ExpectedKind;
  /** Present for kind 'exact'. */
  version?: Version;
}

export type ErrorCode =
  | 'VERSION_CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PRECONDITION_REQUIRED'
  | 'IDEMPOTENCY_KEY_MISSING'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_IN_PROGRESS'
  | 'IDEMPOTENCY_KEY_INVALID'
  | 'IDEMPOTENCY_LEASE_LOST'
  | 'INVALID_JSON'
  | 'INVALID_PATCH'
  | 'INVALID_POINTER'
  | 'INVALID_VERSION'
  | 'INVALID_PRECONDITION'
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'LIMIT_EXCEEDED'
  | 'OUT_OF_MEMORY'
  | 'STORE_UNAVAILABLE'
  | 'INTERNAL';

export declare class TruceError extends Error {
  constructor(code: ErrorCode | string, message: string, details?: Record<string, unknown>, status?: number);
  readonly name: 'TruceError';
  code: ErrorCode | string;
  details: Record<string, unknown>;
  /** The HTTP status this error maps to (409, 412, 428, 400, ...). */
  status: number | undefined;
  static from(wire: { code: string; message: string; details?: Record<string, unknown>; status?: number }): TruceError;
  toJSON(): { code: string; message: string; details: Record<string, unknown>; status: number | undefined };
}

export interface VersionConflictDetails {
  expected: Version | 'any' | 'exists';
  actual: Version | null;
}

export interface EntityTag {
  weak: boolean;
  opaque: string;
}
export interface EntityTagCondition {
  /** The header was "*". */
  any: boolean;
  tags: EntityTag[];
}

export interface Backoff {
  /** Attempts in total, the first included (default 3). */
  maxAttempts?: number;
  /** First delay in ms (default 10). */
  baseMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Longest delay in ms (default 1000). */
  capMs?: number;
  /** Fraction in [0, 1] of each delay taken away at random (default 0). */
  jitter?: number;
}

export interface Snapshot<T> {
  value?: T;
  /** null or undefined: the resource does not exist yet. */
  version?: Version | null;
}

export interface UpdateSteps<T> {
  load(id: string): Snapshot<T> | Promise<Snapshot<T>>;
  /** Receives undefined when the resource does not exist yet. */
  mutate(current: T | undefined): T | Promise<T>;
  /** Write if still at `expected` (null: must not exist); resolve to the new version or throw a VERSION_CONFLICT TruceError. */
  store(id: string, next: T, expected: Version | null): Version | Promise<Version>;
  backoff?: Backoff;
  onConflict?(id: string, attempt: number, conflict: TruceError): void;
  /** Defaults to setTimeout. */
  sleep?(ms: number): Promise<void> | void;
  /** Uniform in [0, 1); defaults to Math.random. Used when backoff.jitter > 0. */
  random?(): number;
}

export interface UpdateResult<T> {
  value: T;
  version: Version;
  attempts: number;
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  details: Record<string, unknown>;
}

export interface Truce {
  readonly TruceError: typeof TruceError;

  /** null when `actual` satisfies `expected`, else a VERSION_CONFLICT TruceError (returned, not thrown). */
  checkVersion(expected: ExpectedInput, actual: VersionInput | null | undefined): TruceError | null;
  /** 1 for a new resource (null/undefined), else current + 1. Throws LIMIT_EXCEEDED at int64 max. */
  nextVersion(current: VersionInput | null | undefined): Version;
  parseExpected(expected: ExpectedInput): ParsedExpected;

  /** The instant in RFC 3339 UTC form, e.g. "2026-01-19T10:00:00Z". Throws INVALID_VERSION. */
  normalizeTimestamp(text: string): string;
  checkTimestampVersion(expected: string, actual: string | null | undefined): TruceError | null;

  /** The strong ETag for a version, e.g. '"5"'. */
  makeEtag(version: VersionInput): string;
  versionFromEtag(etag: string): Version;
  parseEtagCondition(header: string): EntityTagCondition;
  strongMatch(a: string, b: string): boolean;
  weakMatch(a: string, b: string): boolean;
  /** RFC 9110 §13.1.1; currentEtag null/undefined when the resource does not exist. */
  ifMatch(header: string, currentEtag: string | null | undefined): boolean;
  /** RFC 9110 §13.1.2. */
  ifNoneMatch(header: string, currentEtag: string | null | undefined): boolean;
  /** What a conditional write expects; null when neither header is given. */
  expectedFromHeaders(headers: { ifMatch?: string | null; ifNoneMatch?: string | null }): Version | 'exists' | null;

  /** Delay in ms after failed attempt `attempt` (1-based); `random` is the jitter draw in [0, 1). */
  backoffDelay(backoff: Backoff | undefined, attempt: number, random?: number): number;
  updateWithRetry<T>(id: string, steps: UpdateSteps<T>): Promise<UpdateResult<T>>;

  /** Three-way merge of plain values: base is what the user started from, mine their copy, theirs the latest. */
  merge<T = JsonValue>(base: JsonValue, mine: JsonValue, theirs: JsonValue, options?: MergeOptions): MergeResult<T>;
  /** The same from wire text (faster for large documents; key order kept exactly). */
  mergeJSON(baseText: string, mineText: string, theirsText: string, options?: MergeJSONOptions): MergeTextResult;
  /** Applies per-path choices to a merge result and returns the final document. */
  resolve<T = JsonValue>(result: Pick<MergeResult, 'merged' | 'conflicts'>, choices: Record<string, Choice>): T;
  /** The user's patch against base, carried onto latest. */
  rebase<T = JsonValue>(patch: PatchOperation[], base: JsonValue, latest: JsonValue, options?: MergeOptions): RebaseResult<T>;

  /** RFC 6902 patch turning from into to (identity-aware for arrays, emits move). */
  diff(from: JsonValue, to: JsonValue, options?: { idKey?: string }): PatchOperation[];
  /** Atomic: all operations or none; errors carry details.index of the failing op. */
  applyPatch<T = JsonValue>(document: JsonValue, patch: PatchOperation[]): T;
  createMergePatch(from: JsonValue, to: JsonValue): JsonValue;
  applyMergePatch<T = JsonValue>(target: JsonValue, patch: JsonValue): T;

  // Idempotency: canonical JSON and fingerprints
  /**
   * RFC 8785 canonical JSON: members sorted by UTF-16 code units, no whitespace,
   * numbers as Number.prototype.toString prints them. The value is read as
   * JSON.stringify reads it (toJSON() applies; undefined members are left out).
   * Throws INVALID_ARGUMENT for NaN, Infinity, BigInt, cycles or a value with no
   * JSON form, INVALID_JSON for a string holding a lone surrogate.
   */
  canonicalJSON(value: unknown): string;
  /** Lowercase hex SHA-256 of the UTF-8 bytes of `text` (lone surrogates as U+FFFD, as TextEncoder does). */
  sha256Hex(text: string): string;
  /**
   * Lowercase hex SHA-256 of canonicalJSON({ method, path, body }), the same in
   * the browser and on the server. The method is case-sensitive and kept as
   * given; object key order never matters, array order does. An absent body
   * (undefined) is hashed as null.
   */
  fingerprint(method: string, path: string, body?: unknown): string;

  /** A new UUIDv7 (RFC 9562), lowercase: time-ordered, unique even within one millisecond. */
  newIdempotencyKey(): string;
  newUuidV4(): string;
  /** "session-2026-01-15T10-30-45-k3j9x0q2m": UTC time and 9 random base-36 characters. */
  newSessionId(): string;
  /** The 8-4-4-4-12 form in either case, or null. */
  parseUuid(text: string): ParsedUuid | null;
  checkKey(key: string, policy?: KeyPolicy): KeyCheck;
  isValidKey(key: string, policy?: KeyPolicy): boolean;
  /** A ledger over an in-memory store inside the module; call dispose() when done. */
  createLedger(options?: LedgerOptions): MemoryLedger;

  /** RFC 9457 application/problem+json for an error. */
  toProblem(error: TruceError, instance?: string): ProblemDocument;

  /** The parse limits calls work under unless mergeJSON is given its own (docs/limits.md). */
  readonly limits: Readonly<ParseLimits>;
  /** The module's memory size (it grows, never shrinks) and the bytes malloc holds now. */
  memoryUsage(): MemoryUsage;

  /** One server document (truce-host's /api/docs/{id}) edited optimistically. */
  optimisticDocument<T = JsonValue>(options: OptimisticDocumentOptions<T>): OptimisticDocument<T>;
  /** The default transport: fetch, answers read as text. */
  fetchTransport(fetchImpl?: typeof fetch): Transport;
}

export interface ParsedUuid {
  /** Lowercase canonical form. */
  uuid: string;
  version: number;
  /** Version 7 only: the Unix time in milliseconds the key was made at. */
  unixMs?: number;
}

export interface KeyPolicy {
  /** Default 16. */
  minLength?: number;
  /** Default 255. */
  maxLength?: number;
  /** Refuse one character repeated, short repeated patterns, fewer than 4 distinct characters. Default true. */
  rejectLowEntropy?: boolean;
}

export type KeyProblem = 'none' | 'empty' | 'too_short' | 'too_long' | 'bad_character' | 'low_entropy';

export interface KeyCheck {
  valid: boolean;
  problem: KeyProblem;
}

export interface LedgerOptions {
  /** How long a completed response is kept for replay. Default 24 h. */
  ttlMs?: number;
  /** How long a claim may stay in progress before a retry may take it over. Default 60 s. */
  leaseMs?: number;
  /** Bounds of the in-memory store. Defaults 100,000 records and 64 MiB. */
  maxEntries?: number;
  maxBytes?: number;
  keyPolicy?: KeyPolicy;
}

export interface StoredResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type BeginResult =
  | { kind: 'proceed'; token: string }
  | { kind: 'replay'; response: Required<StoredResponse> }
  | { kind: 'in_progress'; retryAfterMs: number }
  | { kind: 'mismatch' };

export interface MemoryLedger {
  /** Throws IDEMPOTENCY_KEY_MISSING, IDEMPOTENCY_KEY_INVALID or INVALID_ARGUMENT (empty scope or fingerprint). */
  begin(scope: string, key: string, fingerprint: string, nowMs?: number): BeginResult;
  /** Throws IDEMPOTENCY_LEASE_LOST when the claim was taken over after its lease. 5xx responses are not kept. */
  complete(scope: string, key: string, token: string, response: StoredResponse, nowMs?: number): void;
  abandon(scope: string, key: string, token: string): void;
  purgeExpired(nowMs?: number): number;
  dispose(): void;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type RuleName = 'set' | 'counter' | 'text' | 'atomic' | 'mine' | 'theirs';
export type Rule = RuleName | { idKey: string } | { text: 'lines' | 'words' };

export interface MergeOptions {
  /** What merged holds at a conflict: theirs (report, the default), mine, or theirs. Conflicts are listed in every mode. */
  onConflict?: 'report' | 'mine' | 'theirs';
  /** Identity field of arrays of objects (default 'id'). */
  idKey?: string;
  /** JSON Pointer patterns ('*' = any key or index) to rules, e.g. { '/tasks/*\/tags': 'set' }. */
  rules?: Record<string, Rule>;
  /** Deepest nesting accepted (default 1000). */
  maxDepth?: number;
}

/** Limits on JSON text; past one, LIMIT_EXCEEDED with details {limit, max, offset}. */
export interface ParseLimits {
  /** Nesting of arrays and objects (default 1000). */
  maxDepth: number;
  /** UTF-8 bytes of one text (default 64 MiB). */
  maxBytes: number;
  /** UTF-8 bytes of one decoded string value (default 16 MiB). */
  maxStringBytes: number;
  /** UTF-8 bytes of one decoded member name (default 64 KiB). */
  maxKeyBytes: number;
  /** Items of one array (default 1,000,000). */
  maxArrayItems: number;
  /** Members of one object, repeated names included (default 1,000,000). */
  maxObjectMembers: number;
}

export interface MergeJSONOptions extends MergeOptions {
  /** Parse limits for the three texts; those not given keep their defaults. */
  limits?: Partial<ParseLimits>;
}

export interface MemoryUsage {
  /** Size of the module's WebAssembly memory, in bytes. */
  heapBytes: number;
  /** Bytes malloc has handed out and not had back. */
  inUseBytes: number;
}

export type ConflictKind =
  | 'both_modified'
  | 'modify_delete'
  | 'delete_modify'
  | 'both_added'
  | 'type_changed'
  | 'move'
  | 'sequence'
  | 'text';

export interface Conflict {
  /** JSON Pointer into merged where the value is there, else into mine. */
  path: string;
  kind: ConflictKind;
  /** Absent when the value is absent on that side (null is the JSON value null). */
  base?: JsonValue;
  mine?: JsonValue;
  theirs?: JsonValue;
  /** Sequence: [begin, end) per side and in merged; text: byte ranges per region. */
  ranges?: JsonValue;
  /** Present (false) only when merged does not hold this value. */
  inMerged?: false;
}

export interface MergeStats {
  valuesVisited: number;
  identityArrays: number;
  sequenceArrays: number;
}

export interface MergeResult<T = JsonValue> {
  merged: T;
  conflicts: Conflict[];
  clean: boolean;
  stats: MergeStats;
}

export interface MergeTextResult {
  mergedText: string;
  conflicts: Conflict[];
  clean: boolean;
  stats: MergeStats;
}

export type Choice = 'mine' | 'theirs' | 'base' | { value: JsonValue };

export type PatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export interface RebaseResult<T = JsonValue> extends MergeResult<T> {
  /** The user's edits re-expressed against latest. */
  patch: PatchOperation[];
}

export interface InitOptions {
  /** The .wasm bytes, when you load them yourself. */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to find 'truce-web.wasm' / 'truce-node.wasm'. */
  locateFile?(path: string, prefix: string): string;
  /** Full control over instantiation (Emscripten's hook). */
  instantiateWasm?(
    imports: WebAssembly.Imports,
    receiveInstance: (instance: WebAssembly.Instance, module?: WebAssembly.Module) => void,
  ): WebAssembly.Exports | Record<string, never>;
}

export function init(options?: InitOptions): Promise<Truce>;

/** What a transport sends: header names as given, body as JSON text. */
export interface TransportRequest {
  method: 'GET' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** What a transport answers: header names in lower case. Throw (not a TruceError) when no answer came. */
export interface TransportAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Transport = (request: TransportRequest) => Promise<TransportAnswer>;

export type OptimisticStatus = 'idle' | 'saving' | 'conflict' | 'error' | 'offline';

export interface ConfirmedState<T> {
  doc: T;
  version: Version;
  etag: string;
}

export interface OptimisticConflict<T> {
  /** The server's latest document and version (read-only in a UI). */
  latest: T;
  latestVersion: Version;
  /** What the user's edit started from, and the user's document. */
  base: T;
  mine: T;
  conflicts: Conflict[];
  mergeResult: MergeResult<T>;
}

/** Per conflict path, or one answer for every path; 'discard' drops the pending edits. */
export type ConflictAnswer = Record<string, Choice> | 'mine' | 'theirs' | 'base' | 'discard';

export interface PersistedQueue {
  id: string;
  confirmed: ConfirmedState<JsonValue> | null;
  base: JsonValue;
  mutations: { key: string; kind: 'create' | 'patch'; patch: PatchOperation[]; sent: boolean; after?: JsonValue }[];
}

export interface OptimisticDocumentOptions<T> {
  id: string;
  /** Where documents live; default '/api/docs/'. */
  url?: string;
  /** Sent as X-Tenant. */
  tenant?: string;
  headers?: Record<string, string>;
  /** Replaces fetch altogether (tests, other servers). */
  transport?: Transport;
  /** The fetch the default transport uses (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Used for local rebases and sent as X-Merge-Options for the server's merges. */
  mergeOptions?: MergeOptions;
  /** Send after each edit (default true). */
  autosave?: boolean;
  /** Resends after a conflict that rebased cleanly (default 10, 20, 40 ms with jitter 0.5, then error). */
  backoff?: Backoff;
  /** Pauses between sends that got no answer (default 100 ms doubling to 5 s, the last repeated). */
  offlineDelays?: number[];
  onConflict?(conflict: { latest: T; mine: T; base: T; conflicts: Conflict[] }): ConflictAnswer | undefined | Promise<ConflictAnswer | undefined>;
  /** Keeps the pending queue across reloads (localStorage, IndexedDB…). */
  persist?: { load(): PersistedQueue | undefined | Promise<PersistedQueue | undefined>; save(state: PersistedQueue): void | Promise<void> };
  sleep?(ms: number): Promise<void> | void;
  random?(): number;
}

export interface OptimisticSnapshot<T> {
  view: T | null;
  status: OptimisticStatus;
  confirmed: ConfirmedState<T> | null;
  /** Number of pending mutations. */
  pending: number;
  conflict: OptimisticConflict<T> | null;
  error: unknown;
  /** Set when the last save was merged by the server with someone else's changes. */
  notice: { type: 'merged'; version: Version } | null;
}

export interface OptimisticEvent {
  type: 'edited' | 'saved' | 'merged' | 'rebased' | 'refreshed' | 'restored' | 'resolved' | 'discarded' | 'conflict' | 'status';
  status?: OptimisticStatus;
  version?: Version;
}

export interface OptimisticDocument<T = JsonValue> {
  readonly id: string;
  /** confirmed with the pending edits applied: what the user sees. */
  readonly view: T | null;
  readonly status: OptimisticStatus;
  readonly confirmed: ConfirmedState<T> | null;
  readonly pending: { key: string; kind: 'create' | 'patch'; patch: PatchOperation[] }[];
  readonly conflict: OptimisticConflict<T> | null;
  readonly error: unknown;
  subscribe(listener: (snapshot: OptimisticSnapshot<T>, event: OptimisticEvent) => void): () => void;
  getSnapshot(): OptimisticSnapshot<T>;
  load(): Promise<T | null>;
  refresh(): Promise<T | null>;
  /** A recipe (mutate the draft or return the next document), a JSON Patch, or a merge patch. */
  edit(change: ((draft: T) => T | void) | PatchOperation[] | Record<string, JsonValue>): T | null;
  save(): Promise<void>;
  resolveConflict(answer: ConflictAnswer): Promise<void>;
  discard(): void;
  dispose(): void;
}

#!/usr/bin/env node
// Native–WASM parity (README.md): seeded random calls (cases.mjs) run through
// the native adapters (parity_runner, behind a pipe) and the WASM module, by
// both of its entry paths (embind's string arguments and the in-memory one),
// and through the public JS API where it takes the same input; every answer
// must be the same bytes. The first mismatch is printed, saved to a file and
// fails the run.
//
//   node parity.mjs --runner PATH [--cases N] [--seed S|random]... [--case I]
//                   [--batch N] [--failure-dir DIR] [--keep-going]
//   node parity.mjs --runner PATH --replay FILE
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { truce } from '../../js/test/helpers.mjs';
import { scenario } from './cases.mjs';

const DIST = fileURLToPath(new URL('../../js/dist/', import.meta.url));

function parseArgs(argv) {
  const args = { cases: 10000, seeds: [], batch: 500, failureDir: '.', only: null, replay: null, runner: null, keepGoing: false };
  for (let i = 0; i < argv.length; i += 1) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      return argv[++i];
    };
    switch (argv[i]) {
      case '--runner': args.runner = value(); break;
      case '--cases': args.cases = Number(value()); break;
      case '--seed': { const s = value(); args.seeds.push(s === 'random' ? randomInt(2 ** 32) : Number(s) >>> 0); break; }
      case '--case': args.only = Number(value()); break;
      case '--batch': args.batch = Number(value()); break;
      case '--failure-dir': args.failureDir = value(); break;
      case '--replay': args.replay = value(); break;
      case '--keep-going': args.keepGoing = true; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!args.runner) throw new Error('--runner PATH (the parity_runner executable) is required');
  if (args.seeds.length === 0) args.seeds.push(20261202);
  return args;
}

const bytesOf = (text) => (typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text));

// --- The native side ------------------------------------------------------------

function nativeRunner(path) {
  const child = spawn(path, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  let pending = Buffer.alloc(0);
  const answers = [];
  let waiting = null;
  const deliver = () => {
    for (;;) {
      const newline = pending.indexOf(10);
      if (newline < 0) break;
      const size = Number(pending.subarray(0, newline).toString());
      if (pending.length < newline + 1 + size) break;
      answers.push(pending.subarray(newline + 1, newline + 1 + size));
      pending = pending.subarray(newline + 1 + size);
    }
    if (waiting && answers.length >= waiting.count) {
      const { resolve, count } = waiting;
      waiting = null;
      resolve(answers.splice(0, count));
    }
  };
  child.stdout.on('data', (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    deliver();
  });
  let gone = null;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  exited.then(({ code, signal }) => {
    gone = new Error(`parity_runner exited (${signal ?? code}) with answers outstanding`);
    if (waiting) waiting.reject(gone);
  });
  child.stdin.on('error', () => {}); // a runner that died is reported by its exit
  return {
    send(call) {
      const parts = [call.name, ...(call.texts ?? [call.args])].map(bytesOf);
      child.stdin.write(`${parts.length} ${parts.map((p) => p.length).join(' ')}\n`);
      for (const part of parts) child.stdin.write(part);
    },
    // The next `count` answers, in the order their calls were sent.
    receive(count) {
      return new Promise((resolve, reject) => {
        waiting = { count, resolve, reject };
        deliver();
        if (waiting && gone) reject(gone);
      });
    },
    async close() {
      child.stdin.end();
      return exited;
    },
  };
}

// --- The WASM side ---------------------------------------------------------------

async function wasmModule() {
  const createTruceModule = createRequire(import.meta.url)(join(DIST, 'truce-node.cjs'));
  return createTruceModule({ wasmBinary: readFileSync(join(DIST, 'truce-node.wasm')) });
}

function wasmCaller(module) {
  // Bytes into the module's heap, the way the JS API's long-text path does
  // it, and the answer's bytes straight out of the heap.
  const inMemory = (parts, run) => {
    const total = parts.reduce((sum, p) => sum + p.length, 0);
    const at = module._malloc(Math.max(1, total));
    try {
      const ranges = [];
      let next = at;
      for (const part of parts) {
        module.HEAPU8.set(part, next);
        ranges.push(next, part.length);
        next += part.length;
      }
      const answer = run(ranges);
      const words = module.HEAPU32;
      const data = words[answer >> 2];
      const size = words[(answer >> 2) + 1];
      return Buffer.from(module.HEAPU8.subarray(data, data + size));
    } finally {
      module.release_text_in_memory();
      module._free(at);
    }
  };
  return (call) => {
    if (call.texts) {
      const parts = call.texts.map(bytesOf);
      const embind = module.merge_json(...parts.map((p) => new Uint8Array(p)));
      const memory = inMemory(parts.slice(0, 3), (ranges) => module.merge_json_in_memory(...ranges, new Uint8Array(parts[3])));
      return { embind, memory };
    }
    const bytes = bytesOf(call.args);
    const memory = inMemory([bytes], ([at, size]) => module.call_in_memory(call.name, at, size));
    if (call.inMemoryOnly) return { embind: null, memory };
    return { embind: module[call.name](new Uint8Array(bytes)), memory };
  };
}

// --- The public JS API -----------------------------------------------------------

// Key order aside, the same JSON value (the API hands back parsed values).
const stable = (v) => {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stable(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
};

function outcome(run) {
  try {
    return { ok: run() };
  } catch (error) {
    if (error instanceof Error && error.name === 'TruceError') return { error: error.toJSON() };
    return { thrown: String(error?.stack ?? error) };
  }
}

// docs/limits.md: JS refuses a text longer (in UTF-16 units) than maxBytes
// before encoding it, so it cannot say how many bytes it has: no `actual`,
// and a message without the size. The same refusal otherwise.
function refusedOnLength(got, want) {
  const mine = got.error?.details;
  const core = want.error?.details;
  return got.error?.code === 'LIMIT_EXCEEDED' && mine?.limit === 'bytes' && !('actual' in mine) &&
    want.error.code === 'LIMIT_EXCEEDED' && core?.limit === 'bytes' && core.side === mine.side && core.max === mine.max;
}

// What the public call answered against what the native answer says it should.
// Empty when they agree. mergeJSON's merged text is compared as bytes.
function comparePublic(api, call, nativeAnswer, stats) {
  const spec = call.public;
  const native = nativeAnswer.toString('utf8');
  if (spec.fingerprint || spec.canonical !== undefined) {
    const got = outcome(() => (spec.fingerprint ? api.fingerprint(...spec.fingerprint) : api.canonicalJSON(spec.canonical)));
    const want = JSON.parse(native);
    return stable(got) === stable(want) ? '' : `public ${call.name} answered ${stable(got)}`;
  }
  const [base, mine, theirs] = call.texts;
  stats[base.length >= 4096 || mine.length >= 4096 || theirs.length >= 4096 ? 'publicInMemory' : 'publicEmbind'] += 1;
  const got = outcome(() => api.mergeJSON(base, mine, theirs, spec.options));
  const newline = nativeAnswer.indexOf(10);
  const want = JSON.parse(nativeAnswer.subarray(0, newline).toString('utf8'));
  if (got.ok) {
    const { mergedText, ...meta } = got.ok;
    if (!want.ok) return `public mergeJSON answered ${stable(meta)}`;
    if (!Buffer.from(mergedText, 'utf8').equals(nativeAnswer.subarray(newline + 1))) return `public mergeJSON merged text: ${mergedText}`;
    return stable(meta) === stable(want.ok) ? '' : `public mergeJSON answered ${stable(meta)}`;
  }
  if (stable(got) === stable({ error: want.error })) return '';
  if (refusedOnLength(got, want)) {
    stats.refusedOnLength += 1;
    return '';
  }
  return `public mergeJSON answered ${stable(got)}`;
}

// --- Running and comparing -----------------------------------------------------

const shorten = (text, max = 1500) => (text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text);
const printable = (bytes) => {
  const text = Buffer.from(bytes).toString('utf8');
  return Buffer.from(text, 'utf8').equals(Buffer.from(bytes)) ? { utf8: text } : { base64: Buffer.from(bytes).toString('base64') };
};

class Mismatch extends Error {}

// With --keep-going, a long run counts every mismatch and saves the first few.
const MAX_SAVED = 10;

function report(options, found) {
  const { seed, index, call, via, native, other } = found;
  const record = {
    seed,
    case: index,
    call: call.name,
    via,
    reproduce: `node tests/parity/parity.mjs --runner <parity_runner> --seed ${seed} --case ${index}`,
    arguments: (call.texts ?? [call.args]).map((t) => printable(bytesOf(t))),
    public: call.public,
    native: printable(native),
    [via]: typeof other === 'string' ? { utf8: other } : printable(other),
  };
  mkdirSync(options.failureDir, { recursive: true });
  const file = join(options.failureDir, `parity-failure-${seed}-${index}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 1)}\n`);
  console.error(`MISMATCH seed ${seed} case ${index} call ${call.name} via ${via}`);
  console.error(`  arguments: ${shorten(JSON.stringify(record.arguments))}`);
  console.error(`  native:    ${shorten(Buffer.from(native).toString('utf8'))}`);
  console.error(`  ${via}: ${' '.repeat(Math.max(0, 9 - via.length))}${shorten(typeof other === 'string' ? other : Buffer.from(other).toString('utf8'))}`);
  console.error(`  saved to ${file}; reproduce with --seed ${seed} --case ${index} (or --replay ${file})`);
}

// Runs one scenario through WASM (follow-up calls included, derived from
// the WASM answers) and lists every call made with its WASM answers.
function runWasm(callWasm, calls, out) {
  for (const call of calls) {
    const answers = callWasm(call);
    out.push({ call, ...answers });
    if (call.then && answers.embind !== null) runWasm(callWasm, call.then(answers.embind), out);
  }
  return out;
}

function compare(options, api, done, nativeAnswers, context, stats) {
  done.forEach((entry, i) => {
    const native = nativeAnswers[i];
    const { call } = entry;
    const found = (via, other) => {
      const mismatch = { ...context(entry), call, via, native, other };
      if (!options.keepGoing) throw new Mismatch('', { cause: mismatch });
      if (stats.mismatches < MAX_SAVED) report(options, mismatch);
      stats.mismatches += 1;
      const kind = `${call.name} via ${via}`;
      stats.mismatchKinds[kind] = (stats.mismatchKinds[kind] ?? 0) + 1;
    };
    if (!native.equals(entry.memory)) found('memory', entry.memory);
    if (entry.embind !== null && !native.equals(Buffer.from(entry.embind, 'utf8'))) found('embind', entry.embind);
    if (call.public) {
      const difference = comparePublic(api, call, native, stats);
      if (difference) found('public', difference);
      stats.public += 1;
    }
    stats.calls += 1;
    if (native[2] === 0x65 /* {"error" */) stats.errors += 1;
    stats.byName[call.name] = (stats.byName[call.name] ?? 0) + 1;
  });
}

async function runSeed(options, runner, callWasm, api, seed) {
  const started = performance.now();
  const stats = { calls: 0, errors: 0, public: 0, publicEmbind: 0, publicInMemory: 0, refusedOnLength: 0, byName: {}, mismatches: 0, mismatchKinds: {} };
  const first = options.only ?? 0;
  const end = options.only === null ? options.cases : options.only + 1;
  // Batches overlap: the runner answers batch k while WASM works on k + 1.
  let inFlight = null;
  const settle = async () => {
    if (!inFlight) return;
    const { done, owners } = inFlight;
    inFlight = null;
    const answers = await runner.receive(done.length);
    compare(options, api, done, answers, (entry) => ({ seed, index: owners.get(entry) }), stats);
  };
  for (let start = first; start < end; start += options.batch) {
    const done = [];
    const owners = new Map();
    for (let index = start; index < Math.min(end, start + options.batch); index += 1) {
      for (const entry of runWasm(callWasm, scenario(seed, index), [])) {
        owners.set(entry, index);
        done.push(entry);
      }
    }
    for (const { call } of done) runner.send(call);
    await settle();
    inFlight = { done, owners };
    const reached = Math.min(end, start + options.batch) - first;
    if (Math.floor(reached / 100000) > Math.floor(Math.max(0, reached - options.batch) / 100000)) {
      console.log(`  ${reached} cases, ${stats.mismatches} mismatches, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  await settle();
  const seconds = (performance.now() - started) / 1000;
  const names = Object.entries(stats.byName).sort().map(([n, c]) => `${/^\w+$/.test(n) ? n : JSON.stringify(n)} ${c}`).join(', ');
  console.log(`seed ${seed}: ${end - first} cases, ${stats.calls} calls (${names}), ${stats.errors} answered with an error; ` +
    `public API checks ${stats.public} (mergeJSON ${stats.publicEmbind} by embind, ${stats.publicInMemory} in memory, ` +
    `${stats.refusedOnLength} refused by JS on length alone); ` +
    `${stats.mismatches} mismatches; ${seconds.toFixed(1)} s`);
  for (const [kind, count] of Object.entries(stats.mismatchKinds)) console.log(`  ${count} × ${kind}`);
  return stats.mismatches === 0;
}

async function replay(options, runner, callWasm) {
  const record = JSON.parse(readFileSync(options.replay, 'utf8'));
  const bytes = record.arguments.map((a) => (a.utf8 !== undefined ? a.utf8 : new Uint8Array(Buffer.from(a.base64, 'base64'))));
  const call = record.call === 'merge_json' ? { name: record.call, texts: bytes } : { name: record.call, args: bytes[0] };
  const wasm = callWasm(call);
  runner.send(call);
  const [native] = await runner.receive(1);
  console.log(`native: ${native.toString('utf8')}`);
  console.log(`memory: ${wasm.memory.toString('utf8')}`);
  console.log(`embind: ${wasm.embind}`);
  const same = native.equals(wasm.memory) && (wasm.embind === null || native.equals(Buffer.from(wasm.embind, 'utf8')));
  console.log(same ? 'native and WASM agree' : 'native and WASM differ');
  return same;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const [module, api] = await Promise.all([wasmModule(), truce()]);
  const callWasm = wasmCaller(module);
  const runner = nativeRunner(options.runner);
  let failed = false;
  try {
    if (options.replay) failed = !(await replay(options, runner, callWasm));
    else {
      console.log(`parity: seeds ${options.seeds.join(', ')} (reproduce one with --seed S), ${options.only === null ? `${options.cases} cases each` : `case ${options.only}`}`);
      for (const seed of options.seeds) if (!(await runSeed(options, runner, callWasm, api, seed))) failed = true;
    }
  } catch (error) {
    if (!(error instanceof Mismatch)) throw error;
    report(options, error.cause);
    failed = true;
  }
  const { code, signal } = await runner.close();
  if (code !== 0) {
    console.error(`parity_runner exited with ${signal ?? code}`);
    failed = true;
  }
  process.exitCode = failed ? 1 : 0;
}

await main();

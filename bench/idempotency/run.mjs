#!/usr/bin/env node
// The idempotency benchmark (bench/README.md), in one run:
//   - ledger begin+complete pairs per second: memory, SQLite (WAL), and
//     PostgreSQL with 8 connections on a cluster started for the run (fsync on);
//   - key generation per second: Truce native, Truce WASM, npm uuid v7;
//   - canonical JSON + SHA-256 fingerprints per second: Truce WASM against
//     npm canonicalize + node:crypto, on the same request bodies.
//
//   node bench/idempotency/run.mjs [--native PATH] [--seconds S] [--out FILE]
// Needs build/native (cmake --preset native && cmake --build --preset native)
// and js/dist (the wasm preset); writes bench/results/idempotency.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const native = path.resolve(arg('--native', path.join(REPO, 'build/native/bench/truce_bench_idempotency')));
const seconds = Number(arg('--seconds', '2'));
const out = path.resolve(arg('--out', path.join(REPO, 'bench/results/idempotency.md')));

// The issue's targets (bench/README.md), by native row name.
const targets = {
  'memory store, begin+complete': 1e6,
  'SQLite store (WAL), claims (begin)': 20e3,
  'PostgreSQL store, begin+complete': 5e3,
};
const verdict = (name, perSecond) =>
  name in targets
    ? `target ≥ ${targets[name].toLocaleString('en-US')}/s: ${perSecond >= targets[name] ? 'PASS' : 'FAIL'}`
    : '';

const rows = [];
const add = (what, perSecond, note = '') => {
  rows.push({ what, perSecond, note });
  console.log(`${what}: ${Math.round(perSecond).toLocaleString('en-US')}/s ${note}`);
};

// Native: memory, SQLite, PostgreSQL.
const work = mkdtempSync(path.join(os.tmpdir(), 'truce-bench-idem-'));
chmodSync(work, 0o755); // the cluster runs as the postgres user, who must reach it
const cluster = path.join(work, 'pg');
const pg = (action) =>
  spawnSync('bash', [path.join(REPO, 'tests/server/pg_cluster.sh'), action, cluster], {
    env: { ...process.env, TRUCE_PG_FSYNC: 'on' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
try {
  pg('start');
  let conninfo = '';
  try {
    conninfo = readFileSync(path.join(cluster, 'conninfo'), 'utf8').trim();
  } catch {
    console.log('PostgreSQL not available: its row is skipped');
  }
  const nativeArgs = ['--seconds', String(seconds), '--sqlite', path.join(work, 'ledger.db')];
  if (conninfo) nativeArgs.push('--postgres', conninfo, '--connections', '8');
  const lines = execFileSync(native, nativeArgs, { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
  for (const l of lines) {
    if (l.error) throw new Error(l.error);
    const threads = l.threads > 1 ? `${l.threads} threads, one connection each` : '';
    add(`Truce native: ${l.name}`, l.perSecond, [threads, verdict(l.name, l.perSecond)].filter(Boolean).join('; '));
  }
} finally {
  pg('stop');
  rmSync(work, { recursive: true, force: true });
}

// Times `fn` in batches of `batch` for about `seconds`; returns calls per second.
function rate(fn, batch = 1000) {
  for (let i = 0; i < batch; ++i) fn(i);
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < batch; ++i) fn(i);
    calls += batch;
  }
  return (calls * 1000) / (performance.now() - start);
}

const { init } = await import(pathToFileURL(path.join(REPO, 'js/dist/index.mjs')).href);
const truce = await init();
const { v7 } = await import('uuid');
const { default: canonicalize } = await import('canonicalize');

add('Truce WASM: newIdempotencyKey (UUIDv7)', rate(() => truce.newIdempotencyKey()));
add('npm uuid: v7()', rate(() => v7()));

const bodies = Array.from({ length: 64 }, (_, i) => ({
  title: `Task ${i}`,
  description: 'Line one\nLine two with ünïcödé and "quotes"',
  estimate: i * 0.5,
  tags: ['ui', 'backend', `t${i}`],
  assignee: { id: `user-${i}`, name: 'Ada', active: i % 2 === 0 },
  order: 1e21 + i,
}));
add(
  'Truce WASM: fingerprint(method, path, body)',
  rate((i) => truce.fingerprint('PATCH', `/api/docs/${i}`, bodies[i % 64]), 200),
);
add(
  'npm canonicalize + node:crypto sha256',
  rate(
    (i) =>
      createHash('sha256')
        .update(canonicalize({ method: 'PATCH', path: `/api/docs/${i}`, body: bodies[i % 64] }))
        .digest('hex'),
    200,
  ),
);
// Same answers, or the comparison means nothing.
for (let i = 0; i < 64; ++i) {
  const ours = truce.fingerprint('PATCH', `/api/docs/${i}`, bodies[i]);
  const theirs = createHash('sha256')
    .update(canonicalize({ method: 'PATCH', path: `/api/docs/${i}`, body: bodies[i] }))
    .digest('hex');
  if (ours !== theirs) throw new Error(`fingerprints differ for body ${i}`);
}

const cpus = os.cpus();
const table = rows
  .map((r) => `| ${r.what} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.note} |`)
  .join('\n');
writeFileSync(
  out,
  `# Idempotency benchmark

- Date: ${new Date().toISOString()}
- Machine: ${cpus[0]?.model?.trim()}, ${cpus.length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}
- Command: \`node bench/idempotency/run.mjs${args.length ? ` ${args.join(' ')}` : ''}\` (about ${seconds} s per row)
- Ledger rows: fresh keys, each pair one begin (a claim) and one complete (the stored response);
  "claims" rows run begin alone.
  Memory store at its default bounds (100k records): full after the first 100k pairs, so
  claims also evict. SQLite: one connection, WAL, synchronous=NORMAL. PostgreSQL 15: a
  cluster started for the run on loopback, fsync on, 8 threads with a connection each.
- Fingerprints: the 64 request bodies in run.mjs; both sides give identical hashes (checked).

| what | per second | |
|---|--:|---|
${table}
`,
);
console.log(`written to ${path.relative(process.cwd(), out)}`);

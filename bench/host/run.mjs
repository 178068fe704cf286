#!/usr/bin/env node
// The host benchmark (bench/README.md): wrk against truce-host on loopback,
// SQLite in a temporary folder, in one run:
//   - GET of one document;
//   - conditional PUT (If-Match on the version each connection last saw) on
//     many documents, and on one hot document (412s retried on the ETag they carry);
//   - PATCH with a server-side three-way merge on every request.
// Prints and writes a table of requests/s, successful writes/s, p50 and p99
// latency to bench/results/host.md.
//
//   node bench/host/run.mjs [--host PATH] [--seconds S] [--threads N] [--out FILE]
// Needs build/native (cmake --preset native && cmake --build --preset native)
// and wrk (apt-get install wrk).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const hostBin = path.resolve(arg('--host', path.join(REPO, 'build/native/native/truce-host')));
const seconds = Number(arg('--seconds', '5'));
const threads = Number(arg('--threads', '8'));
const out = path.resolve(arg('--out', path.join(REPO, 'bench/results/host.md')));

const work = mkdtempSync(path.join(os.tmpdir(), 'truce-bench-host-'));
// The request log goes to a file: a pipe would fill while wrk runs (this
// script waits for it synchronously) and stall the host.
const log = path.join(work, 'host.log');
const host = spawn(hostBin, ['--listen', '127.0.0.1:0', '--store', `sqlite:${path.join(work, 'bench.db')}`,
  '--threads', String(threads)], { stdio: ['ignore', 'ignore', openSync(log, 'w')] });
let url = '';
for (let i = 0; i < 200 && !url; ++i) {
  await new Promise((resolve) => setTimeout(resolve, 25));
  url = /"url":"([^"]+)"/.exec(readFileSync(log, 'utf8'))?.[1] ?? '';
}
if (!url) throw new Error(`truce-host did not start: ${readFileSync(log, 'utf8')}`);

// Parses wrk --latency output (and our scripts' JSON line) into numbers.
function wrk(name, connections, script, target = '', scriptArgs = []) {
  const text = execFileSync('wrk', [`-t${connections}`, `-c${connections}`, `-d${seconds}s`, '--latency',
    ...(script ? ['-s', path.join(HERE, script)] : []), url + target, ...(scriptArgs.length ? ['--', ...scriptArgs] : [])],
  { encoding: 'utf8', cwd: HERE }); // the scripts dofile common.lua
  const perSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)[1]);
  const total = Number(/(\d+) requests in/.exec(text)[1]);
  const ms = (label) => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(text);
    return m ? Math.round(Number(m[1]) * { us: 1, ms: 1000, s: 1e6 }[m[2]]) / 1000 : NaN;
  };
  const extraLine = /\{"refused".*\}/.exec(text);
  const counts = extraLine ? JSON.parse(extraLine[0]) : { refused: 0 };
  const row = { name, connections, perSecond, ok: (perSecond * (total - counts.refused)) / total, p50: ms('50'), p99: ms('99'), ...counts };
  console.log(`${name}: ${perSecond.toFixed(0)} req/s, ${row.ok.toFixed(0)} ok/s, p50 ${row.p50} ms, p99 ${row.p99} ms`, counts);
  return row;
}

const rows = [];
try {
  const put = (id, body, headers) =>
    fetch(`${url}/api/docs/${id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json', ...headers }, body });
  await put('read-me', JSON.stringify({ title: 'Read me', tags: ['ui'], estimate: 3 }), { 'If-None-Match': '*' });
  await put('hot', JSON.stringify({ title: 'Hot' }), { 'If-None-Match': '*' });
  rows.push(wrk('GET one document', 8, null, '/api/docs/read-me'));
  rows.push(wrk('PUT If-Match, many documents', 4, 'put_many.lua', '', ['200']));
  rows.push(wrk('PUT If-Match, one hot document', 4, 'put_hot.lua'));
  rows.push(wrk('PATCH merged onto the latest', 4, 'patch_merge.lua'));
} finally {
  host.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}

const target = (row) =>
  row.name.startsWith('PUT If-Match, many')
    ? `≥ 10,000 writes/s and p99 < 10 ms: ${row.ok >= 10000 && row.p99 < 10 ? 'PASS' : 'FAIL'}`
    : '';
const cpus = os.cpus();
const table = rows
  .map((r) => `| ${r.name} | ${r.connections} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${Math.round(r.ok).toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${target(r)} |`)
  .join('\n');
writeFileSync(out, `# Host benchmark

- Date: ${new Date().toISOString()}
- Machine: ${cpus[0]?.model?.trim()}, ${cpus.length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}
- Command: \`node bench/host/run.mjs${args.length ? ` ${args.join(' ')}` : ''}\` (${seconds} s per row; wrk on the same machine)
- truce-host with ${threads} request threads on SQLite (WAL) in a temporary folder; one wrk thread per
  connection, so each connection's script knows the version it last saw. "ok/s" counts 2xx answers.
  The request log goes to a file.

| scenario | connections | requests/s | ok/s | p50 ms | p99 ms | target |
|---|--:|--:|--:|--:|--:|---|
${table}
`);
console.log(`written to ${path.relative(process.cwd(), out)}`);

#!/usr/bin/env node
// Deterministic inputs for the merge benchmark (bench/merge/README.md).
//
//   node generate.mjs OUT_DIR [--seed N] [--cases board-10k,reorder-20k]
//
// Writes OUT_DIR/<case>/{base,mine,theirs,expected}.json (compact JSON) and
// OUT_DIR/manifest.json (case names, sizes and what was edited).
// `expected.json` is the correct three-way merge, computed here from the
// edits we made (not by any merge engine): theirs, plus mine's field edits,
// plus mine's new item right after its predecessor in mine (DESIGN.md §2).
// The same seed always gives byte-identical files.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BOARD_CASES = [
  { name: 'board-10k', label: 'board ≈10 KB', targetBytes: 10 * 1024 },
  { name: 'board-100k', label: 'board ≈100 KB', targetBytes: 100 * 1024 },
  { name: 'board-1m', label: 'board ≈1 MB', targetBytes: 1024 * 1024 },
  { name: 'board-9m', label: 'board ≈9 MB', targetBytes: 9 * 1024 * 1024 },
];
export const REORDER_CASE = { name: 'reorder-20k', label: 'reorder of 20,000 ids', items: 20000, moves: 1000, valueEdits: 20 };
export const ALL_CASES = [...BOARD_CASES.map((c) => c.name), REORDER_CASE.name];

// mulberry32: small, fast, and the same on every platform.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n); // 0 .. n-1
  const pick = (list) => list[int(list.length)];
  const shuffle = (list) => {
    for (let i = list.length - 1; i > 0; --i) {
      const j = int(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  };
  return { next, int, pick, shuffle };
}

// Seed per case, so generating one case alone gives the same files.
function caseSeed(seed, name) {
  let h = seed >>> 0;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

const WORDS = (
  'api auth backlog banner billing bug cache calendar cart checkout client config cron dashboard data ' +
  'deploy design docs email error export feature filter form header import index invoice job layout ' +
  'legacy limit login logs menu metrics migration mobile modal onboarding order page payment pipeline ' +
  'profile query queue rate release report retry review schema search server session settings signup ' +
  'sprint staging storage sync table team test theme timeout token upload user webhook widget workflow'
).split(' ');
const VERBS = 'add fix remove refactor update migrate document test review investigate speed-up split merge clean'.split(' ');
const TAGS = 'frontend backend infra ux bug chore security perf docs mobile api data urgent blocked'.split(' ');
const PEOPLE = ['ana', 'bo', 'chen', 'dara', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jo', null];
const STATUSES = ['todo', 'doing', 'done'];
const ESTIMATES = [1, 2, 3, 5, 8, 13];

function sentence(r, min, max) {
  const n = min + r.int(max - min + 1);
  const words = [];
  for (let i = 0; i < n; ++i) words.push(r.pick(WORDS));
  return words.join(' ');
}

function makeTask(r, index) {
  const title = `${r.pick(VERBS)} ${sentence(r, 2, 5)}`;
  const lines = [];
  for (let i = 0, n = 2 + r.int(5); i < n; ++i) lines.push(`${sentence(r, 5, 12)}.`);
  const tags = [];
  for (let i = 0, n = r.int(4); i < n; ++i) {
    const tag = r.pick(TAGS);
    if (!tags.includes(tag)) tags.push(tag);
  }
  return {
    id: `t-${String(index).padStart(6, '0')}`,
    title: title[0].toUpperCase() + title.slice(1),
    description: lines.join('\n'),
    status: r.pick(STATUSES),
    tags,
    estimate: r.pick(ESTIMATES),
    assignee: r.pick(PEOPLE),
  };
}

// One edit of one field, always to a different value.
function editField(r, task, field, side) {
  switch (field) {
    case 'title':
      task.title = `${task.title} (${side} rev ${1 + r.int(9)})`;
      break;
    case 'description': {
      const lines = task.description.split('\n');
      lines[r.int(lines.length)] = `${side} rewrote this: ${sentence(r, 4, 10)}.`;
      task.description = lines.join('\n');
      break;
    }
    case 'status':
      task.status = r.pick(STATUSES.filter((s) => s !== task.status));
      break;
    case 'tags': {
      const free = TAGS.filter((t) => !task.tags.includes(t));
      task.tags = task.tags.length >= 3 || free.length === 0 ? task.tags.slice(1) : [...task.tags, r.pick(free)];
      break;
    }
    case 'estimate':
      task.estimate = r.pick(ESTIMATES.filter((e) => e !== task.estimate));
      break;
    case 'assignee':
      task.assignee = r.pick(PEOPLE.filter((p) => p !== task.assignee));
      break;
    default:
      throw new Error(`unknown field ${field}`);
  }
}

const ALL_FIELDS = ['title', 'description', 'status', 'tags', 'estimate', 'assignee'];
// On a task both sides edit, each side keeps to its own fields: a clean merge.
const MINE_OVERLAP_FIELDS = ['title', 'status', 'tags'];
const THEIRS_OVERLAP_FIELDS = ['description', 'estimate', 'assignee'];

function pickFields(r, fields) {
  const count = 1 + r.int(2);
  return r.shuffle([...fields]).slice(0, count);
}

const clone = (value) => JSON.parse(JSON.stringify(value));

function generateBoard(spec, seed) {
  const r = rng(caseSeed(seed, spec.name));
  const base = {
    id: 'board-1',
    title: 'Product roadmap',
    columns: [
      { id: 'todo', title: 'To do', limit: null },
      { id: 'doing', title: 'In progress', limit: 5 },
      { id: 'done', title: 'Done', limit: null },
    ],
    tasks: [],
  };
  let bytes = JSON.stringify(base).length;
  while (bytes < spec.targetBytes) {
    const task = makeTask(r, base.tasks.length);
    bytes += JSON.stringify(task).length + 1;
    base.tasks.push(task);
  }
  const n = base.tasks.length;

  // ~2% of tasks per side: disjoint sets plus a few tasks both sides edit
  // (different fields).
  const perSide = Math.max(2, Math.round(n * 0.02));
  const overlap = Math.max(1, Math.floor(perSide / 10));
  const order = r.shuffle([...Array(n).keys()]);
  const mineEdits = order.slice(0, perSide);
  const theirsEdits = order.slice(perSide - overlap, 2 * perSide - overlap);
  const overlapSet = new Set(order.slice(perSide - overlap, perSide));

  const mine = clone(base);
  const theirs = clone(base);
  const mineChanged = new Map(); // task index -> fields mine changed
  for (const i of mineEdits) {
    const fields = pickFields(r, overlapSet.has(i) ? MINE_OVERLAP_FIELDS : ALL_FIELDS);
    for (const f of fields) editField(r, mine.tasks[i], f, 'mine');
    mineChanged.set(i, fields);
  }
  for (const i of theirsEdits) {
    const fields = pickFields(r, overlapSet.has(i) ? THEIRS_OVERLAP_FIELDS : ALL_FIELDS);
    for (const f of fields) editField(r, theirs.tasks[i], f, 'theirs');
  }

  // Each side adds one task: mine in the first half, theirs in the second.
  const minePos = Math.floor(n / 4) + r.int(Math.max(1, Math.floor(n / 4)));
  const theirsPos = Math.floor(n / 2) + 1 + r.int(Math.max(1, Math.floor(n / 4)));
  const mineTask = makeTask(r, n);
  mineTask.title = `New from mine: ${mineTask.title}`;
  const theirsTask = makeTask(r, n + 1);
  theirsTask.title = `New from theirs: ${theirsTask.title}`;
  mine.tasks.splice(minePos, 0, mineTask);
  theirs.tasks.splice(theirsPos, 0, theirsTask);

  // The correct merge: theirs + mine's field edits + mine's task after its
  // predecessor in mine.
  const expected = clone(theirs);
  const byId = new Map(expected.tasks.map((t) => [t.id, t]));
  for (const [i, fields] of mineChanged) {
    const edited = mine.tasks.find((t) => t.id === base.tasks[i].id);
    for (const f of fields) byId.get(edited.id)[f] = clone(edited[f]);
  }
  const predecessor = minePos === 0 ? null : mine.tasks[minePos - 1].id;
  const at = predecessor === null ? 0 : expected.tasks.findIndex((t) => t.id === predecessor) + 1;
  expected.tasks.splice(at, 0, clone(mineTask));

  return {
    docs: { base, mine, theirs, expected },
    info: {
      tasks: n,
      mineEdits: mineEdits.length,
      theirsEdits: theirsEdits.length,
      bothEdit: overlap,
      mineInsertAt: minePos,
      theirsInsertAt: theirsPos,
      summary: `${n.toLocaleString('en-US')} tasks; each side edits ${perSide} (${overlap} edited by both, different fields) and adds 1 task`,
    },
  };
}

function generateReorder(spec, seed) {
  const r = rng(caseSeed(seed, spec.name));
  const items = [];
  for (let n = 0; n < spec.items; ++n) items.push({ id: `i-${n}`, v: n });
  const base = { items };

  // mine: single-item moves.
  const mineItems = clone(items);
  for (let k = 0; k < spec.moves; ++k) {
    const from = r.int(mineItems.length);
    const [item] = mineItems.splice(from, 1);
    mineItems.splice(r.int(mineItems.length + 1), 0, item);
  }
  const mine = { items: mineItems };

  // theirs: a few value edits, no moves.
  const theirs = clone(base);
  const edited = new Map();
  for (const i of r.shuffle([...Array(spec.items).keys()]).slice(0, spec.valueEdits)) {
    theirs.items[i].v = 1000000 + i;
    edited.set(theirs.items[i].id, theirs.items[i].v);
  }

  // The correct merge: mine's order with theirs' values.
  const expected = { items: mineItems.map((it) => ({ id: it.id, v: edited.has(it.id) ? edited.get(it.id) : it.v })) };
  return {
    docs: { base, mine, theirs, expected },
    info: {
      items: spec.items,
      moves: spec.moves,
      valueEdits: spec.valueEdits,
      summary: `${spec.items.toLocaleString('en-US')} items {"id","v"}; mine makes ${spec.moves.toLocaleString('en-US')} random single-item moves, theirs edits ${spec.valueEdits} values`,
    },
  };
}

export function generate(outDir, { seed = 42, cases = ALL_CASES } = {}) {
  mkdirSync(outDir, { recursive: true });
  const manifest = { seed, cases: [] };
  for (const name of cases) {
    const board = BOARD_CASES.find((c) => c.name === name);
    if (!board && name !== REORDER_CASE.name) throw new Error(`unknown case ${name} (known: ${ALL_CASES.join(', ')})`);
    const { docs, info } = board ? generateBoard(board, seed) : generateReorder(REORDER_CASE, seed);
    const dir = path.join(outDir, name);
    mkdirSync(dir, { recursive: true });
    const sizes = {};
    for (const [which, doc] of Object.entries(docs)) {
      const text = JSON.stringify(doc);
      writeFileSync(path.join(dir, `${which}.json`), text);
      sizes[which] = Buffer.byteLength(text);
    }
    manifest.cases.push({ name, label: (board ?? REORDER_CASE).label, bytes: sizes.base, sizes, ...info });
  }
  writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let outDir = null;
  let seed = 42;
  let cases = ALL_CASES;
  for (let i = 0; i < args.length; ++i) {
    if (args[i] === '--seed') seed = Number(args[++i]);
    else if (args[i] === '--cases') cases = args[++i].split(',');
    else if (!outDir) outDir = args[i];
    else throw new Error(`unexpected argument ${args[i]}`);
  }
  if (!outDir || !Number.isInteger(seed)) {
    console.error('usage: node generate.mjs OUT_DIR [--seed N] [--cases a,b,...]');
    process.exit(2);
  }
  const manifest = generate(outDir, { seed, cases });
  for (const c of manifest.cases) console.log(`${c.name}: ${c.bytes.toLocaleString('en-US')} bytes, ${c.summary}`);
}

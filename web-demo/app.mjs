// The task board: a list of tasks (the "board" document, an identity array
// so concurrent adds and moves merge) and one or two editors of a task.
// Every document is an OptimisticDocument over truce-host's /api/docs/.
import { init } from './truce/browser.mjs';
import { stringsFor } from './strings.mjs';
import { TaskEditor } from './editor.mjs';

const POLL_MS = 1500;
const params = new URLSearchParams(location.search);
const lang = params.get('lang') === 'es' ? 'es' : 'en';
const s = stringsFor(lang);
document.documentElement.lang = lang;

const $ = (selector) => document.querySelector(selector);
const truce = await init();
const board = truce.optimisticDocument({ id: 'board', mergeOptions: { idKey: 'id' } });
const listed = new Map(); // task id -> OptimisticDocument, for titles in the list
const editors = [];

function taskDocument(id) {
  if (!listed.has(id)) {
    const doc = truce.optimisticDocument({ id });
    doc.subscribe(renderList);
    doc.load().catch(() => {});
    listed.set(id, doc);
  }
  return listed.get(id);
}

function renderList() {
  const tasks = board.view?.tasks ?? [];
  const selected = editors[0]?.id;
  $('#choose').hidden = Boolean(selected);
  $('#tasks').replaceChildren(...tasks.map(({ id }, index) => {
    const task = taskDocument(id).view;
    const item = document.createElement('li');
    item.className = id === selected ? 'selected' : '';
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'task';
    open.textContent = task?.title || s.untitled;
    open.addEventListener('click', () => select(id));
    const badge = document.createElement('span');
    badge.className = `badge ${task?.status ?? 'todo'}`;
    badge.textContent = s.statuses[task?.status ?? 'todo'] ?? task?.status;
    const move = (delta, label, symbol) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'move';
      button.textContent = symbol;
      button.setAttribute('aria-label', `${label}: ${task?.title || id}`);
      button.disabled = index + delta < 0 || index + delta >= tasks.length;
      button.addEventListener('click', () => board.edit((draft) => {
        const [moved] = draft.tasks.splice(index, 1);
        draft.tasks.splice(index + delta, 0, moved);
      }));
      return button;
    };
    item.append(open, badge, move(-1, s.moveUp, '↑'), move(1, s.moveDown, '↓'));
    return item;
  }));
}

function openEditor(slot, id) {
  const root = $(`#editor-${slot}`);
  const editor = new TaskEditor(root, { truce, id, strings: s, slot });
  editors[slot - 1] = editor;
  editor.start().catch(() => {});
}

function closeEditor(slot) {
  editors[slot - 1]?.close();
  editors[slot - 1] = undefined;
  $(`#editor-${slot}`).replaceChildren();
}

function select(id) {
  closeEditor(1);
  closeEditor(2);
  openEditor(1, id);
  params.set('task', id);
  history.replaceState(null, '', `?${params}`);
  $('#second').hidden = false;
  $('#second').textContent = s.secondEditor;
  $('main').classList.remove('two');
  renderList();
}

async function newTask() {
  const id = `task-${truce.newIdempotencyKey().slice(-12)}`;
  const task = truce.optimisticDocument({ id });
  await task.load();
  task.edit(() => ({ title: '', description: '', status: 'todo', tags: [], estimate: null, assignee: '' }));
  await task.save();
  board.edit((draft) => {
    draft.tasks.push({ id });
  });
  select(id);
}

// Static texts.
document.title = `Truce — ${s.board}`;
$('#board-title').textContent = s.board;
$('#intro').textContent = s.intro;
$('#new').textContent = s.newTask;
$('#second').textContent = s.secondEditor;
$('#choose').textContent = s.chooseTask;
const other = new URLSearchParams(params);
other.set('lang', lang === 'es' ? 'en' : 'es');
$('#lang').href = `?${other}`;
$('#lang').textContent = s.language;

$('#new').addEventListener('click', () => newTask());
$('#second').addEventListener('click', () => {
  if (editors[1]) {
    closeEditor(2);
    $('main').classList.remove('two');
    $('#second').textContent = s.secondEditor;
  } else if (editors[0]) {
    openEditor(2, editors[0].id);
    $('main').classList.add('two');
    $('#second').textContent = s.closeSecondEditor;
  }
});

board.subscribe(renderList);
await board.load();
if (board.confirmed === null && board.pending.length === 0) board.edit(() => ({ tasks: [] }));
const wanted = params.get('task');
if (wanted) select(wanted);
else $('#second').hidden = true;

setInterval(() => {
  if (board.status === 'idle') board.refresh().catch(() => {});
  for (const doc of listed.values()) if (doc.status === 'idle') doc.refresh().catch(() => {});
  for (const editor of editors) editor?.poll().catch(() => {});
}, POLL_MS);
document.body.dataset.ready = 'true';

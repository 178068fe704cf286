// One task editor: a form over an OptimisticDocument, its status line, and
// the conflict dialog ("This task changed while you were editing it").
const FIELDS = ['title', 'description', 'status', 'tags', 'estimate', 'assignee'];
// The description merges line by line, tags as a set (DESIGN.md rules).
export const TASK_MERGE_OPTIONS = { rules: { '/description': 'text', '/tags': 'set' } };

const sameValue = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function show(value) {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

// Keeps the queue of a tab across reloads, per tab (sessionStorage).
function sessionPersist(key) {
  return {
    load: () => JSON.parse(sessionStorage.getItem(key) ?? 'null') ?? undefined,
    save: (state) => sessionStorage.setItem(key, JSON.stringify(state)),
  };
}

export class TaskEditor {
  constructor(root, { truce, id, strings, slot }) {
    this.strings = strings;
    this.id = id;
    this.dirty = false;
    this.doc = truce.optimisticDocument({
      id,
      mergeOptions: TASK_MERGE_OPTIONS,
      persist: sessionPersist(`truce-demo:${slot}:${id}`),
    });
    this.root = root;
    this.#render();
    this.unsubscribe = this.doc.subscribe((snapshot, event) => this.#update(snapshot, event));
  }

  async start() {
    await this.doc.load();
    this.#fill(this.doc.view);
  }

  // Polled by the page: pick up other people's saves, unless the user is
  // typing (their edit must stay based on what they saw).
  async poll() {
    if (this.dirty || this.doc.status !== 'idle') return;
    await this.doc.refresh();
  }

  close() {
    this.unsubscribe();
    this.doc.dispose();
    this.root.replaceChildren();
  }

  #render() {
    const s = this.strings;
    const input = (name, type = 'text') => element('input', { name, type, id: `${this.root.id}-${name}` });
    const labelled = (name, label, control) =>
      element('div', { class: 'field' }, element('label', { for: `${this.root.id}-${name}`, text: label }), control);
    const status = element('select', { name: 'status', id: `${this.root.id}-status` },
      ...Object.entries(s.statuses).map(([value, label]) => element('option', { value, text: label })));
    const estimate = input('estimate', 'number');
    estimate.min = '0';
    estimate.step = '0.5';
    this.form = element('form', { class: 'editor-form' },
      labelled('title', s.title, input('title')),
      labelled('description', s.description, element('textarea', { name: 'description', id: `${this.root.id}-description`, rows: '4' })),
      element('div', { class: 'row' },
        labelled('status', s.status, status),
        labelled('estimate', s.estimate, estimate),
        labelled('assignee', s.assignee, input('assignee'))),
      labelled('tags', s.tags, input('tags')),
      element('div', { class: 'actions' }, element('button', { type: 'submit', text: s.save })));
    this.statusLine = element('p', { class: 'status-line', role: 'status', 'aria-live': 'polite' });
    this.resolveButton = element('button', { type: 'button', class: 'link', hidden: true, text: s.resolve });
    this.dialog = element('dialog', { class: 'conflict', 'aria-labelledby': `${this.root.id}-conflict-title` });
    this.root.replaceChildren(
      element('h2', { text: `${s.editor}: ${this.id}` }),
      this.form,
      element('div', { class: 'status' }, this.statusLine, this.resolveButton),
      this.dialog,
    );
    this.form.addEventListener('input', () => {
      this.dirty = true;
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#save();
    });
    this.resolveButton.addEventListener('click', () => this.dialog.showModal());
  }

  #values() {
    const data = new FormData(this.form);
    const estimate = String(data.get('estimate') ?? '').trim();
    return {
      title: String(data.get('title') ?? ''),
      description: String(data.get('description') ?? ''),
      status: String(data.get('status') ?? 'todo'),
      tags: String(data.get('tags') ?? '').split(',').map((tag) => tag.trim()).filter(Boolean),
      estimate: estimate === '' ? null : Number(estimate),
      assignee: String(data.get('assignee') ?? ''),
    };
  }

  #fill(view) {
    const task = view ?? {};
    const { elements } = this.form;
    elements.title.value = task.title ?? '';
    elements.description.value = task.description ?? '';
    elements.status.value = task.status ?? 'todo';
    elements.tags.value = (task.tags ?? []).join(', ');
    elements.estimate.value = task.estimate ?? '';
    elements.assignee.value = task.assignee ?? '';
  }

  // Only the fields the user changed go into the edit, so a save never
  // rewrites a field someone else changed meanwhile.
  #save() {
    const before = this.doc.view ?? {};
    const values = this.#values();
    const changed = FIELDS.filter((field) => !sameValue(values[field], before[field] ?? (field === 'tags' ? [] : undefined)));
    this.dirty = false;
    if (changed.length === 0) return;
    this.doc.edit((draft) => {
      for (const field of changed) draft[field] = values[field];
    });
  }

  #update(snapshot, event) {
    const s = this.strings;
    if (!this.dirty && event.type !== 'conflict') this.#fill(snapshot.view);
    let text = s.idle;
    if (snapshot.status === 'saving') text = s.saving;
    else if (snapshot.status === 'offline') text = s.offline;
    else if (snapshot.status === 'conflict') text = s.conflictStatus;
    else if (snapshot.status === 'error') text = s.error(snapshot.error?.message ?? '');
    else if (snapshot.notice && snapshot.confirmed) text = s.merged(snapshot.confirmed.version);
    else if (snapshot.confirmed) text = s.saved(snapshot.confirmed.version);
    this.statusLine.textContent = text;
    this.statusLine.dataset.status = snapshot.status;
    this.resolveButton.hidden = snapshot.status !== 'conflict';
    if (event.type === 'conflict') this.#openConflict(snapshot.conflict);
  }

  // "/title" → "Title"; deeper paths keep the field's label and the rest.
  #fieldLabel(path) {
    const [field, ...rest] = path.slice(1).split('/');
    const label = FIELDS.includes(field) ? this.strings[field] : field;
    return rest.length ? `${label} /${rest.join('/')}` : label || '/';
  }

  #openConflict(conflict) {
    const s = this.strings;
    const rows = conflict.conflicts.map((item, index) => {
      const name = `choice-${index}`;
      const editable = typeof item.mine === 'string' && item.mine.includes('\n')
        ? element('textarea', { rows: '3', 'aria-label': `${s.yours}: ${item.path}` })
        : element('input', { type: 'text', 'aria-label': `${s.yours}: ${item.path}` });
      editable.value = show(item.mine);
      const radio = (value, label, checked) =>
        element('label', { class: 'choice' }, element('input', { type: 'radio', name, value, checked }), ` ${label}`);
      return {
        item,
        editable,
        row: element('tr', {},
          element('th', { scope: 'row', text: this.#fieldLabel(item.path) }),
          element('td', { class: 'theirs', text: show(item.theirs) }),
          element('td', {}, editable),
          element('td', {}, radio('mine', s.keepMine, true), radio('theirs', s.keepTheirs, false))),
      };
    });
    const apply = element('button', { type: 'button', class: 'primary', text: s.apply });
    const discard = element('button', { type: 'button', text: s.discard });
    this.dialog.replaceChildren(
      element('h2', { id: `${this.root.id}-conflict-title`, text: s.conflictTitle }),
      element('p', { text: s.conflictIntro }),
      element('table', {},
        element('thead', {}, element('tr', {},
          element('th', { scope: 'col', text: s.field }), element('th', { scope: 'col', text: s.theirs }),
          element('th', { scope: 'col', text: s.yours }), element('th', { scope: 'col' }))),
        element('tbody', {}, ...rows.map(({ row }) => row))),
      element('details', {}, element('summary', { text: s.serverState }),
        element('pre', { class: 'server-state', text: JSON.stringify(conflict.latest, null, 2) })),
      element('div', { class: 'actions' }, apply, discard),
    );
    apply.addEventListener('click', () => {
      const choices = {};
      for (const [index, { item, editable }] of rows.entries()) {
        const chosen = this.dialog.querySelector(`input[name="choice-${index}"]:checked`)?.value ?? 'mine';
        if (chosen === 'theirs') choices[item.path] = 'theirs';
        else if (editable.value === show(item.mine)) choices[item.path] = 'mine';
        else if (typeof item.mine === 'string') choices[item.path] = { value: editable.value };
        else {
          // A value other than a string is edited as JSON: say so when it is not.
          try {
            choices[item.path] = { value: JSON.parse(editable.value) };
            editable.setCustomValidity('');
          } catch {
            editable.setCustomValidity('JSON');
            editable.reportValidity();
            return;
          }
        }
      }
      this.dialog.close();
      this.doc.resolveConflict(choices);
    });
    discard.addEventListener('click', () => {
      this.dialog.close();
      this.doc.resolveConflict('discard');
    });
    this.dialog.showModal();
  }
}

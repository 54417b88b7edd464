// The class's page: every few seconds, the class's state from class.json,
// shown with textContent only (a learner's name is text, never markup).
'use strict';

const poll = Number(document.body.dataset.poll) || 3000;

function cell(tag, text, className) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

function render(view) {
  document.getElementById('count').textContent = String(view.learners.length);
  document.getElementById('stuck-count').textContent = String(view.stuck);
  document.getElementById('at').textContent = view.at;
  const rows = view.learners.map((l) => {
    const tr = document.createElement('tr');
    if (l.stuck) tr.className = 'stuck';
    tr.append(cell('td', l.name, 'name'), cell('td', l.step, 'step'), cell('td', l.todo, 'todo-label'));
    const onIt = cell('td', l.on_todo, 'on-it');
    if (l.stuck) onIt.append(' ', cell('strong', 'stuck', 'flag'));
    tr.append(onIt, cell('td', l.hints, 'hints'), cell('td', l.last_run, 'last-run'), cell('td', l.tests, 'tests'));
    for (const c of l.cells) tr.append(cell('td', c.mark, 'cell ' + c.class));
    return tr;
  });
  document.getElementById('learners').replaceChildren(...rows);
  for (const [id, field] of [['here', 'here'], ['median', 'median']]) {
    const th = document.querySelector('#' + id + ' th');
    document.getElementById(id).replaceChildren(th, ...view.todos.map((t) => cell('td', String(t[field]))));
  }
  document.body.dataset.updates = String(Number(document.body.dataset.updates) + 1);
}

async function update() {
  try {
    const res = await fetch('/class.json', { cache: 'no-store' });
    if (res.ok) render(await res.json());
  } catch (e) {
    // The server is gone for a moment: the page keeps what it shows.
  }
  setTimeout(update, poll);
}

update();

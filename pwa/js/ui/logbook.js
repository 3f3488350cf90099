// The logbook screen: recent entries, filters, details with comments, delete with undo.
import { PROMPTS, displayDate } from '../entry.js';
import { labelOf } from '../vocab.js';
import { renderConflict } from './conflict.js';
import { claim, current, el, replace } from './dom.js';

const SHOWN = 100;

/** Render the logbook into `container`; `actions` has edit, remove, undo, store, vocab. */
export async function renderLogbook(container, actions, filter = {}) {
  const { store, vocab } = actions;
  const token = claim(container);
  const stored = await store.entries();
  if (!current(container, token)) return; // a newer render (or the user) has moved on
  const all = stored.filter((e) => !e.deleted || e._conflict || e._pending);
  const visible = all
    .filter((e) => !e.deleted || e._conflict)
    .filter((e) => !filter.region || e.region === filter.region)
    .filter((e) => !filter.from || e.scanned_on >= filter.from)
    .filter((e) => !filter.to || e.scanned_on <= filter.to)
    .sort((a, b) => b.scanned_on.localeCompare(a.scanned_on) || (b._touched || 0) - (a._touched || 0));
  const rerender = (next) => renderLogbook(container, actions, next);
  const status = el('p', { class: 'status', role: 'status', id: 'logbook-status' }, actions.message || '');
  actions.message = '';
  if (actions.undoOffer()) {
    // The offer stays across re-renders (a sync finishing) until used or replaced.
    replace(status, 'Entry deleted. ', el('button', { type: 'button', class: 'button', id: 'undo',
      onclick: async () => { await actions.undo(actions.undoOffer()); actions.message = 'Entry restored.'; rerender(filter); } }, 'Undo'));
  }
  const list = el('ul', { class: 'entries', id: 'entry-list', 'aria-label': 'Entries' },
    visible.slice(0, SHOWN).map((entry) => el('li', {}, entryButton(entry, vocab, () => showEntry(entry)))));

  async function showEntry(entry) {
    const mine = claim(container);
    if (entry._conflict) {
      renderConflict(container, entry, { ...actions, back: () => rerender(filter) });
      return;
    }
    const comments = await store.comments(entry.id);
    if (!current(container, mine)) return;
    replace(container,
      el('h2', { tabindex: '-1', id: 'entry-title' }, `${labelOf(vocab, 'regions', entry.region)}, ${displayDate(entry.scanned_on)}`),
      el('div', { class: 'card' }, entryDetails(entry, vocab)),
      comments.length > 0 && el('section', { class: 'card', 'aria-label': 'Tutor comments' },
        el('h3', {}, 'Tutor comments'),
        comments.map((c) => el('div', { class: 'comment' },
          el('p', {}, c.body), el('p', { class: 'muted' }, `${c.author_name}, ${displayDate(c.created_at.slice(0, 10))}`)))),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'button', onclick: () => rerender(filter) }, 'Back'),
        el('button', { type: 'button', class: 'button primary', onclick: () => actions.edit(entry) }, 'Edit'),
        el('button', { type: 'button', class: 'button danger', onclick: () => remove(entry) }, 'Delete')));
    container.querySelector('#entry-title').focus();
  }

  async function remove(entry) {
    await actions.remove(entry);
    await rerender(filter);
  }

  const regionFilter = el('fieldset', {},
    el('legend', {}, 'Region'),
    el('div', { class: 'chips' },
      [{ code: '', label: 'All' }, ...vocab.regions].map((r) => el('button', {
        type: 'button', class: 'chip', 'aria-pressed': String((filter.region || '') === r.code),
        onclick: () => rerender({ ...filter, region: r.code }) }, r.label))));
  const dateInput = (name, label) => el('div', { class: 'field' },
    el('label', { for: `filter-${name}` }, label),
    el('input', { type: 'date', id: `filter-${name}`, value: filter[name] || '',
      onchange: (e) => rerender({ ...filter, [name]: e.target.value }) }));
  replace(container,
    el('h2', {}, 'Logbook'),
    status,
    el('details', { class: 'card' }, el('summary', {}, 'Filter'), regionFilter,
      el('div', { class: 'row' }, dateInput('from', 'From'), dateInput('to', 'To'))),
    el('p', { class: 'muted' }, `${visible.length} ${visible.length === 1 ? 'entry' : 'entries'}`),
    list,
    actions.accountSection());
}


function entryButton(entry, vocab, onclick) {
  const tags = [];
  if (entry._conflict) tags.push(el('span', { class: 'tag alert' }, 'Conflict'));
  if (entry._attention) tags.push(el('span', { class: 'tag alert' }, 'Needs attention'));
  if (entry._pending) tags.push(el('span', { class: 'tag waiting' }, 'Waiting to sync'));
  if (entry.critical_incident) tags.push(el('span', { class: 'tag' }, 'Critical incident'));
  return el('button', { type: 'button', class: 'entry-item', 'data-id': entry.id, onclick },
    el('strong', {}, `${labelOf(vocab, 'regions', entry.region)} · ${labelOf(vocab, 'sides', entry.side)}`),
    el('span', { class: 'meta' }, el('span', {}, displayDate(entry.scanned_on)),
      el('span', {}, labelOf(vocab, 'activities', entry.activity)), tags));
}

/** The fields of an entry as a description list. */
export function entryDetails(entry, vocab, compareWith = null) {
  const rows = [
    ['Date', displayDate(entry.scanned_on), 'scanned_on'],
    ['Region', labelOf(vocab, 'regions', entry.region), 'region'],
    ['Side', labelOf(vocab, 'sides', entry.side), 'side'],
    ['Activity', labelOf(vocab, 'activities', entry.activity), 'activity'],
    ['Supervision', labelOf(vocab, 'supervision_levels', entry.supervision), 'supervision'],
    ...PROMPTS.map((p) => [p.label, entry[p.name] || '—', p.name]),
    ['Critical incident', entry.critical_incident ? 'Yes' : 'No', 'critical_incident'],
  ];
  if (entry._attention) rows.unshift(['Needs attention', entry._attention.message, '_attention']);
  return el('dl', {}, rows.flatMap(([label, value, field]) => {
    const differs = compareWith && (compareWith[field] || '') !== (entry[field] || '');
    return [el('dt', {}, label), el('dd', { class: differs ? 'differs' : undefined }, value)];
  }));
}

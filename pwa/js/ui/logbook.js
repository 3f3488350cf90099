// The logbook screen: every entry (paged), search, filters, each entry's state, delete with undo.
import { PROMPTS, displayDate } from '../entry.js';
import { entryState } from '../outbox.js';
import { logbookPeriods } from '../progress.js';
import { labelOf } from '../vocab.js';
import { renderConflict } from './conflict.js';
import { claim, current, el, replace } from './dom.js';

const PAGE = 50;

/** The text a search looks through: the prompts, the notes and the chosen labels. */
function searchText(entry, vocab) {
  const labels = [['regions', entry.region], ['sides', entry.side], ['activities', entry.activity],
    ['supervision_levels', entry.supervision]].map(([list, code]) => labelOf(vocab, list, code));
  return [...labels, ...PROMPTS.map((p) => entry[p.name] || ''), displayDate(entry.scanned_on)].join(' ').toLowerCase();
}

/** Which entries a filter shows, newest first (every entry, tombstones only under "Deleted"). */
export function filterEntries(stored, filter, { vocab, feedback, periods }) {
  const period = periods.find((p) => String(p.number) === String(filter.year || ''));
  const words = (filter.q || '').toLowerCase().split(/\s+/).filter(Boolean);
  return stored
    // A refused delete stays in the list: the server still has the entry.
    .filter((e) => (filter.deleted ? e.deleted && !e._attention : !e.deleted || e._conflict || e._attention))
    .filter((e) => !filter.attention || e._conflict || e._attention)
    .filter((e) => !filter.feedback || feedback(e.id).unread)
    .filter((e) => !filter.region || e.region === filter.region)
    .filter((e) => !period || (e.scanned_on >= period.starts_on && e.scanned_on <= period.ends_on))
    .filter((e) => !words.length || words.every((w) => searchText(e, vocab).includes(w)))
    .sort((a, b) => b.scanned_on.localeCompare(a.scanned_on) || (b._touched || 0) - (a._touched || 0));
}

/** Render the logbook into `container`; `actions` has edit, remove, undo, store, vocab. */
export async function renderLogbook(container, actions, filter = {}) {
  const { store, vocab } = actions;
  const token = claim(container);
  const [stored, comments, seen] = await Promise.all([store.entries(), store.allComments(),
    store.getMeta('seen-comments')]);
  if (!current(container, token)) return; // a newer render (or the user) has moved on
  const feedback = feedbackOf(comments, seen || {});
  const book = actions.logbook || {};
  const periods = logbookPeriods(book.pgcert_completed_on, book.registration_ends_on, book.annual_target || 300);
  const visible = filterEntries(stored, filter, { vocab, feedback, periods });
  const shown = filter.shown || PAGE;
  const rerender = (next) => renderLogbook(container, actions, next);
  const status = el('p', { class: 'status', role: 'status', id: 'logbook-status' }, actions.message || '');
  actions.message = '';
  if (actions.undoOffer()) {
    // The offer stays across re-renders (a sync finishing) until used or replaced.
    replace(status, 'Entry deleted. ', el('button', { type: 'button', class: 'button', id: 'undo',
      onclick: async () => { await actions.undo(actions.undoOffer()); actions.message = 'Entry restored.'; rerender(filter); } }, 'Undo'));
  }
  const list = el('ul', { class: 'entries', id: 'entry-list', 'aria-label': 'Entries' },
    visible.slice(0, shown).map((entry) => el('li', {}, entryButton(entry, vocab, feedback(entry.id), () => showEntry(entry)))));

  async function showEntry(entry) {
    const mine = claim(container);
    if (entry._conflict) {
      renderConflict(container, entry, { ...actions, back: () => rerender(filter) });
      return;
    }
    const notes = await store.comments(entry.id);
    if (!current(container, mine)) return;
    if (notes.length) { // opened: its feedback is no longer new
      await store.setMeta('seen-comments', { ...(seen || {}), [entry.id]: Math.max(...notes.map((c) => c.seq)) });
    }
    const state = entryState(entry, feedback(entry.id));
    const buttons = entry.deleted
      ? [el('button', { type: 'button', class: 'button primary', id: 'restore', onclick: () => restore(entry) }, 'Restore')]
      : [el('button', { type: 'button', class: 'button primary', onclick: () => actions.edit(entry) }, 'Edit'),
        el('button', { type: 'button', class: 'button danger', onclick: () => remove(entry) }, 'Delete')];
    replace(container,
      el('h2', { tabindex: '-1', id: 'entry-title' }, `${labelOf(vocab, 'regions', entry.region)}, ${displayDate(entry.scanned_on)}`),
      el('p', { class: `entry-state state-${state.key}`, id: 'entry-state' }, el('strong', {}, state.label), ` ${state.detail}`),
      el('div', { class: 'card' }, entryDetails(entry, vocab)),
      notes.length > 0 && el('section', { class: 'card', 'aria-label': 'Tutor comments' },
        el('h3', {}, 'Tutor comments'),
        notes.map((c) => el('div', { class: 'comment' },
          el('p', {}, c.body), el('p', { class: 'muted' }, `${c.author_name}, ${displayDate(c.created_at.slice(0, 10))}`)))),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'button', onclick: () => rerender(filter) }, 'Back'), buttons));
    container.querySelector('#entry-title').focus();
  }

  async function remove(entry) {
    await actions.remove(entry);
    await rerender(filter);
  }

  async function restore(entry) {
    await actions.undo(entry);
    actions.message = 'Entry restored.';
    await rerender({ ...filter, deleted: false });
  }

  const toggle = (name, label) => el('button', { type: 'button', class: 'chip', id: `filter-${name}`,
    'aria-pressed': String(Boolean(filter[name])), onclick: () => rerender({ ...filter, [name]: !filter[name], shown: PAGE }) }, label);
  const regionFilter = el('fieldset', {},
    el('legend', {}, 'Region'),
    el('div', { class: 'chips' },
      [{ code: '', label: 'All' }, ...vocab.regions].map((r) => el('button', {
        type: 'button', class: 'chip', 'aria-pressed': String((filter.region || '') === r.code),
        onclick: () => rerender({ ...filter, region: r.code, shown: PAGE }) }, r.label))));
  const yearFilter = periods.length > 0 && el('div', { class: 'field' },
    el('label', { for: 'filter-year' }, 'Year'),
    el('select', { id: 'filter-year', onchange: (e) => rerender({ ...filter, year: e.target.value, shown: PAGE }) },
      el('option', { value: '' }, 'All years'),
      periods.map((p) => el('option', { value: String(p.number), selected: String(filter.year) === String(p.number) }, `Year ${p.number}`))));
  const search = el('form', { role: 'search', class: 'field', onsubmit: (e) => {
    e.preventDefault();
    rerender({ ...filter, q: e.target.elements.q.value, shown: PAGE });
  } },
  el('label', { for: 'logbook-search' }, 'Search your entries'),
  el('div', { class: 'row' },
    el('input', { type: 'search', id: 'logbook-search', name: 'q', value: filter.q || '', autocomplete: 'off' }),
    el('button', { type: 'submit', class: 'button', id: 'search-go' }, 'Search')));
  const more = visible.length > shown && el('button', { type: 'button', class: 'button', id: 'show-more',
    onclick: () => rerender({ ...filter, shown: shown + PAGE }) }, `Show ${Math.min(PAGE, visible.length - shown)} more`);
  const counted = `${visible.length} ${visible.length === 1 ? 'entry' : 'entries'}`;
  replace(container,
    el('h2', {}, 'Logbook'),
    status,
    search,
    el('details', { class: 'card', open: Boolean(filter.attention || filter.feedback || filter.region || filter.year || filter.deleted) },
      el('summary', {}, 'Filter'),
      el('div', { class: 'chips' }, toggle('attention', 'Needs attention'), toggle('feedback', 'New feedback'), toggle('deleted', 'Deleted')),
      regionFilter, yearFilter),
    el('p', { class: 'muted', id: 'logbook-count' }, visible.length > shown ? `Showing ${shown} of ${counted}` : counted),
    list,
    more);
}

/** Per entry: {comments, unread}, unread being comments newer than the last time it was opened. */
function feedbackOf(comments, seen) {
  const by = new Map();
  for (const c of comments) {
    const f = by.get(c.entry_id) || { comments: 0, unread: 0 };
    f.comments += 1;
    if (c.seq > (seen[c.entry_id] || 0)) f.unread += 1;
    by.set(c.entry_id, f);
  }
  return (id) => by.get(id) || { comments: 0, unread: 0 };
}

function entryButton(entry, vocab, feedback, onclick) {
  const state = entryState(entry, feedback);
  const tags = [el('span', { class: `tag state-${state.key}` }, state.reason ? `${state.label} · ${state.reason}` : state.label)];
  if (feedback.unread) tags.push(el('span', { class: 'tag alert new-feedback' }, 'New feedback'));
  if (entry.critical_incident) tags.push(el('span', { class: 'tag' }, 'Critical incident'));
  return el('button', { type: 'button', class: 'entry-item', 'data-id': entry.id, 'data-state': state.key, onclick },
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

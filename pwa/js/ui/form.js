// The quick-entry form: favourites, big choices, optional prompts with chips, draft kept across reloads.
import { PROMPTS, addDays, blankEntry, displayDate, outsideYearsQuestion, repeatEntry, validateEntry } from '../entry.js';
import { favouritesBar } from './favourites.js';
import { blocking, identifierMatcher, promptField, withoutBlocking } from './prompts.js';
import { choiceGroup, el, replace } from './dom.js';

const INCIDENT_HINT = 'The logbook is a record of learning, not an incident report: report serious '
  + "incidents through your trust's own reporting system.";

/** Build the form; `onSave(entry, editing)` stores it and returns the message to show. */
export function createEntryForm({ vocab, today, lastEntry, onSave, draftKey, logbook = () => null }) {
  const node = el('form', { id: 'entry-form', novalidate: true, 'aria-labelledby': 'form-title' });
  const prefsKey = draftKey.replace('draft', 'form-prefs');
  const prefs = () => JSON.parse(localStorage.getItem(prefsKey) || '{}');
  const setPref = (key, value) => localStorage.setItem(prefsKey, JSON.stringify({ ...prefs(), [key]: value }));
  let entry = null;
  let editing = false;
  let attention = null;
  let pristine = false; // a blank form nobody has touched yet (pulled entries may refill it)
  let confirmedDate = null; // a date outside the logbook years the student chose to keep
  const status = el('p', { class: 'status', role: 'status', id: 'save-status' });

  // The draft never keeps what would block Save: an identifier is not stored, even on the phone
  // (so it waits for the matcher, which loads on the first change, off the start path).
  const keepDraft = () => identifierMatcher().then(() => {
    if (pristine) return; // saved or reset meanwhile: a blank form keeps no draft
    const kept = { ...entry, ...Object.fromEntries(PROMPTS.map((p) => [p.name, withoutBlocking(entry[p.name])])) };
    localStorage.setItem(draftKey, JSON.stringify({ entry: kept, editing, attention }));
  });
  const set = (field, value) => { entry[field] = value; pristine = false; keepDraft(); };

  function render() {
    const title = editing ? `Edit the scan of ${displayDate(entry.scanned_on)}` : 'Log a scan';
    const shown = el('span', { class: 'date-shown', id: 'scanned_on-shown' }, displayDate(entry.scanned_on));
    const date = el('input', { type: 'date', id: 'scanned_on', value: entry.scanned_on, max: addDays(today(), 1),
      'aria-describedby': 'scanned_on-shown scanned_on-error',
      oninput: (e) => { set('scanned_on', e.target.value); shown.textContent = displayDate(e.target.value); } });
    const setDate = (iso) => { date.value = iso; shown.textContent = displayDate(iso); set('scanned_on', iso); };
    const prompt = (p) => promptField(p, { vocab, get: () => entry[p.name], set: (v) => set(p.name, v) });
    const [first, ...more] = PROMPTS; // the clinical question stays in sight; the rest fold away
    const details = el('details', { id: 'prompts', open: prefs().notesOpen || more.some((p) => entry[p.name]) || Boolean(attention) },
      // Only the student's own taps are remembered (a click fires before the section toggles).
      el('summary', { onclick: () => setPref('notesOpen', !details.open) }, 'More notes (optional)'),
      more.map(prompt));
    replace(node,
      el('h2', { id: 'form-title', tabindex: '-1' }, title),
      attention && el('div', { class: 'banner alert', id: 'attention' },
        el('p', {}, `Needs attention: ${attention.message} Change the entry and save it again.`)),
      !editing && favouritesBar({ vocab, storageKey: draftKey.replace('draft', 'favourites'), apply: applyFavourite,
        current: () => entry }),
      el('div', { class: 'field date-field' },
        el('div', { class: 'row' }, el('label', { for: 'scanned_on' }, 'Date of scan'), shown),
        el('div', { class: 'row' }, date,
          el('button', { type: 'button', class: 'button', onclick: () => setDate(today()) }, 'Today'),
          el('button', { type: 'button', class: 'button', onclick: () => setDate(addDays(today(), -1)) }, 'Yesterday')),
        el('p', { class: 'error', id: 'scanned_on-error', 'aria-live': 'polite' })),
      el('div', { id: 'date-question', role: 'alert' }),
      // What changes from patient to patient first; the remembered activity and supervision after.
      choiceGroup('region', 'Region', vocab.regions, entry.region, (v) => set('region', v)),
      choiceGroup('side', 'Side', vocab.sides, entry.side, (v) => set('side', v)),
      prompt(first),
      choiceGroup('activity', 'Activity', vocab.activities, entry.activity, (v) => set('activity', v)),
      choiceGroup('supervision', 'Supervision', vocab.supervision_levels, entry.supervision, (v) => set('supervision', v)),
      details,
      el('div', { class: 'field' },
        el('label', { class: 'check' },
          el('input', { type: 'checkbox', id: 'critical_incident', checked: Boolean(entry.critical_incident),
            'aria-describedby': 'critical_incident-hint', onchange: (e) => set('critical_incident', e.target.checked) }),
          'Critical incident'),
        el('p', { class: 'hint muted', id: 'critical_incident-hint' }, INCIDENT_HINT)),
      el('div', { class: 'form-bar' },
        status,
        el('div', { class: 'form-actions' },
          editing
            ? el('button', { type: 'button', class: 'button', onclick: () => reset() }, 'Cancel')
            : el('button', { type: 'button', class: 'button', id: 'repeat-last', onclick: repeatLast }, 'Repeat last'),
          el('button', { type: 'submit', class: 'button primary', id: 'save' }, 'Save'))));
    showErrors(attention?.errors || {});
  }

  function showErrors(errors) {
    for (const errorNode of node.querySelectorAll('.error[id$="-error"]')) errorNode.textContent = '';
    for (const [field, messages] of Object.entries(errors)) {
      const target = node.querySelector(`#${field}-error`);
      if (target) target.textContent = [].concat(messages).join(' ');
    }
  }

  function fill(next, message) {
    entry = next;
    pristine = false;
    keepDraft();
    render();
    status.textContent = message;
  }

  function repeatLast() {
    const last = lastEntry();
    if (!last) status.textContent = 'No earlier entry to repeat yet.';
    else fill(repeatEntry(last, today()), 'Filled in from your last entry. Check and save.');
  }

  function applyFavourite(favourite) {
    const next = repeatEntry(favourite, entry.scanned_on || today());
    for (const [field, chips] of Object.entries(favourite.chips || {})) next[field] = chips.join(', ');
    fill(next, 'Filled in from a favourite. Check and save.');
  }

  /** Start a new blank entry (activity and supervision remembered), at the top of the form. */
  function reset(message = '', { top = true } = {}) {
    entry = blankEntry(today(), lastEntry());
    editing = false;
    attention = null;
    pristine = true;
    confirmedDate = null;
    localStorage.removeItem(draftKey);
    render();
    status.textContent = message;
    if (!top || !node.isConnected) return;
    window.scrollTo(0, 0); // ready for the next patient
    node.querySelector('#form-title').focus({ preventScroll: true });
  }

  /** Refill an untouched blank form after a pull (a new phone learns the newest entry's choices). */
  function refresh() {
    const last = lastEntry();
    if (!pristine || !last || (entry.activity === last.activity && entry.supervision === last.supervision)) return;
    reset(status.textContent, { top: false });
  }

  /** Load an entry for editing (or a merged conflict), with any "needs attention" reasons. */
  function load(record, { asEdit = true } = {}) {
    const { _attention, ...rest } = record;
    entry = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('_')));
    editing = asEdit;
    attention = _attention || null;
    pristine = false;
    keepDraft();
    render();
  }

  /** Ask once before saving a date outside every logbook year; true when Save may go on. */
  function dateAgreed() {
    const question = outsideYearsQuestion(entry.scanned_on, logbook());
    const box = node.querySelector('#date-question');
    if (!question || confirmedDate === entry.scanned_on) return true;
    replace(box, el('div', { class: 'banner alert' },
      el('p', { id: 'date-question-text' }, question),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'button', onclick: () => { replace(box); node.querySelector('#scanned_on').focus(); } },
          'Change the date'),
        el('button', { type: 'button', class: 'button primary', id: 'save-anyway', onclick: () => {
          confirmedDate = entry.scanned_on;
          replace(box);
          node.requestSubmit();
        } }, 'Save anyway'))));
    box.querySelector('#save-anyway').focus();
    return false;
  }

  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = validateEntry(entry, today());
    for (const p of PROMPTS) {
      if ((await blocking(entry[p.name])).length) (errors[p.name] ||= []).push('Remove the patient identifier first.');
    }
    showErrors(errors);
    const fields = Object.keys(errors);
    if (fields.length) {
      const identifiers = fields.some((f) => PROMPTS.some((p) => p.name === f));
      status.textContent = identifiers && fields.every((f) => PROMPTS.some((p) => p.name === f))
        ? 'Not saved: remove what could identify the patient.'
        : 'Check the highlighted fields.';
      if (fields.some((f) => PROMPTS.slice(1).some((p) => p.name === f))) node.querySelector('#prompts').open = true;
      node.querySelector(`#field-${fields[0]}, #${fields[0]}`)?.scrollIntoView();
      return;
    }
    if (!dateAgreed()) return;
    const message = await onSave({ ...entry }, editing);
    reset(message);
  });

  const draft = JSON.parse(localStorage.getItem(draftKey) || 'null');
  if (draft?.entry) {
    entry = draft.entry;
    editing = draft.editing;
    attention = draft.attention || null; // the server's reasons stay until the entry is saved again
    render();
  } else {
    reset();
  }
  return { node, load, reset, refresh };
}

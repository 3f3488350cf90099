// The quick-entry form: big choices, optional prompts with chips, draft kept across reloads.
import { PROMPTS, addDays, blankEntry, displayDate, repeatEntry, validateEntry } from '../entry.js';
import { identifierWarning } from '../identifiers.js';
import { choiceGroup, el, replace } from './dom.js';

const CHIP_LISTS = { technical_issues: 'technical_issues', findings: 'findings' };

/** Build the form; `onSave(entry, editing)` stores it and returns the message to show. */
export function createEntryForm({ vocab, today, lastEntry, onSave, draftKey }) {
  const node = el('form', { id: 'entry-form', novalidate: true, 'aria-labelledby': 'form-title' });
  let entry = null;
  let editing = false;
  let attention = null;
  const status = el('p', { class: 'status', role: 'status', id: 'save-status' });

  const keepDraft = () => localStorage.setItem(draftKey, JSON.stringify({ entry, editing, attention }));
  const set = (field, value) => { entry[field] = value; keepDraft(); };

  function render() {
    const title = editing ? `Edit the scan of ${displayDate(entry.scanned_on)}` : 'Log a scan';
    const date = el('input', { type: 'date', id: 'scanned_on', value: entry.scanned_on, max: addDays(today(), 1),
      'aria-describedby': 'scanned_on-error', oninput: (e) => set('scanned_on', e.target.value) });
    const setDate = (iso) => { date.value = iso; set('scanned_on', iso); };
    replace(node,
      el('h2', { id: 'form-title' }, title),
      attention && el('div', { class: 'banner alert', id: 'attention' },
        el('p', {}, `Needs attention: ${attention.message} Change the entry and save it again.`)),
      el('div', { class: 'field' },
        el('label', { for: 'scanned_on' }, 'Date of scan'),
        el('div', { class: 'row' }, date,
          el('button', { type: 'button', class: 'button', onclick: () => setDate(today()) }, 'Today'),
          el('button', { type: 'button', class: 'button', onclick: () => setDate(addDays(today(), -1)) }, 'Yesterday')),
        el('p', { class: 'error', id: 'scanned_on-error', 'aria-live': 'polite' })),
      choiceGroup('region', 'Region', vocab.regions, entry.region, (v) => set('region', v), true),
      choiceGroup('side', 'Side', vocab.sides, entry.side, (v) => set('side', v)),
      choiceGroup('activity', 'Activity', vocab.activities, entry.activity, (v) => set('activity', v), true),
      choiceGroup('supervision', 'Supervision', vocab.supervision_levels, entry.supervision, (v) => set('supervision', v)),
      el('details', { open: PROMPTS.some((p) => entry[p.name]) || Boolean(attention) },
        el('summary', {}, 'Notes and critical incidents (optional)'),
        PROMPTS.map(promptField)),
      el('label', { class: 'check' },
        el('input', { type: 'checkbox', id: 'critical_incident', checked: Boolean(entry.critical_incident),
          onchange: (e) => set('critical_incident', e.target.checked) }),
        'Critical incident'),
      status,
      el('div', { class: 'actions' },
        editing
          ? el('button', { type: 'button', class: 'button', onclick: () => reset() }, 'Cancel')
          : el('button', { type: 'button', class: 'button', id: 'repeat-last', onclick: repeatLast }, 'Repeat last'),
        el('button', { type: 'submit', class: 'button primary', id: 'save' }, 'Save')));
    showErrors(attention?.errors || {});
  }

  function promptField({ name, label }) {
    const warningId = `${name}-warning`;
    const Tag = name === 'notes' ? 'textarea' : 'input';
    const input = el(Tag, { id: name, name, type: Tag === 'input' ? 'text' : undefined, value: entry[name],
      maxlength: name === 'notes' ? 2000 : 500, autocomplete: 'off',
      'aria-describedby': `${warningId} ${name}-error`,
      oninput: (e) => { set(name, e.target.value); warn(name); } });
    const list = CHIP_LISTS[name] ? vocab[CHIP_LISTS[name]] || [] : [];
    const addChip = (text) => {
      const current = entry[name].trim();
      input.value = current ? `${current}, ${text}` : text;
      set(name, input.value);
      warn(name);
    };
    return el('div', { class: 'field' },
      el('label', { for: name }, label), input,
      list.length > 0 && el('div', { class: 'chips', role: 'group', 'aria-label': `Common ${label.toLowerCase()}` },
        list.map((item) => el('button', { type: 'button', class: 'chip', onclick: () => addChip(item.label) }, item.label))),
      el('p', { class: 'warning', id: warningId, 'aria-live': 'polite' }, identifierWarning(entry[name])),
      el('p', { class: 'error', id: `${name}-error`, 'aria-live': 'polite' }));
  }

  function warn(name) {
    node.querySelector(`#${name}-warning`).textContent = identifierWarning(entry[name]);
  }

  function showErrors(errors) {
    for (const errorNode of node.querySelectorAll('.error')) errorNode.textContent = '';
    for (const [field, messages] of Object.entries(errors)) {
      const target = node.querySelector(`#${field}-error`);
      if (target) target.textContent = [].concat(messages).join(' ');
    }
  }

  function repeatLast() {
    const last = lastEntry();
    if (!last) {
      status.textContent = 'No earlier entry to repeat yet.';
      return;
    }
    entry = repeatEntry(last, today());
    keepDraft();
    render();
    status.textContent = 'Filled in from your last entry. Check and save.';
  }

  /** Start a new blank entry (activity and supervision remembered). */
  function reset(message = '') {
    entry = blankEntry(today(), lastEntry());
    editing = false;
    attention = null;
    localStorage.removeItem(draftKey);
    render();
    status.textContent = message;
  }

  /** Load an entry for editing (or a merged conflict), with any "needs attention" reasons. */
  function load(record, { asEdit = true } = {}) {
    const { _attention, ...rest } = record;
    entry = Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith('_')));
    editing = asEdit;
    attention = _attention || null;
    keepDraft();
    render();
  }

  node.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = validateEntry(entry, today());
    showErrors(errors);
    if (Object.keys(errors).length) {
      status.textContent = 'Check the highlighted fields.';
      node.querySelector(`#field-${Object.keys(errors)[0]}, #${Object.keys(errors)[0]}`)?.scrollIntoView();
      return;
    }
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
  return { node, load, reset };
}

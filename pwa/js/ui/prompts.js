// One prompt of the entry form: its text, suggestion chips that toggle, and the identifiers found
// in it (high confidence blocks Save, low only warns), each removable with one tap.
import { hasChip, toggleChip } from '../entry.js';
import { el, replace } from './dom.js';

// The matcher is off the start path: the form shows first, the patterns load on the first text.
let matcher = null;
let loading = null;
/** The identifier matcher module, loaded once. */
export function identifierMatcher() {
  loading ??= import('../identifiers.js').then((module) => { matcher = module; return module; });
  return loading;
}
const findIdentifiers = (text) => (text ? matcher.findIdentifiers(text) : []);

export const CHIP_LISTS = {
  clinical_question: 'clinical_questions', technical_issues: 'technical_issues', findings: 'findings',
};
const WHAT = {
  nhs_number: 'NHS number', date_of_birth: 'date of birth', hospital_number: 'hospital number',
  postcode: 'postcode', phone: 'phone number', email: 'email address', name: 'name',
};

/** The findings in a text that block Save (resolves once the matcher is loaded). */
export async function blocking(text) {
  const { findIdentifiers: find, highConfidence } = await identifierMatcher();
  return text ? find(text).filter(highConfidence) : [];
}

/** The text without its blocking findings, for what is kept on the device (a draft). */
export function withoutBlocking(text) {
  if (!text || !matcher) return text;
  const found = matcher.findIdentifiers(text).filter(matcher.highConfidence);
  // From the end, so the earlier findings' offsets still hold.
  return found.reverse().reduce((kept, finding) => matcher.removeIdentifier(kept, finding), text);
}

/** Build one prompt field; `get()`/`set(value)` read and write the entry's text. */
export function promptField({ name, label }, { vocab, get, set }) {
  const warningId = `${name}-warning`;
  const Tag = name === 'notes' ? 'textarea' : 'input';
  const findings = el('div', { class: 'findings', id: warningId, 'aria-live': 'polite' });
  let shown = '';
  const input = el(Tag, { id: name, name, type: Tag === 'input' ? 'text' : undefined, value: get(),
    maxlength: name === 'notes' ? 2000 : 500, autocomplete: 'off',
    'aria-describedby': `${warningId} ${name}-error`,
    onfocus: identifierMatcher, oninput: (e) => { set(e.target.value); refresh(); } });
  const list = CHIP_LISTS[name] ? vocab[CHIP_LISTS[name]] || [] : [];
  const chips = list.map((item) => el('button', { type: 'button', class: 'chip', 'data-chip': item.label,
    onclick: () => change(toggleChip(get(), item.label)) }, item.label));

  function change(value) {
    input.value = value;
    set(value);
    refresh();
  }

  function refresh() {
    const text = get();
    for (const chip of chips) chip.setAttribute('aria-pressed', String(hasChip(text, chip.dataset.chip)));
    if (text && !matcher) {
      identifierMatcher().then(refresh);
      return;
    }
    const found = findIdentifiers(text);
    const blocks = found.some((f) => matcher.highConfidence(f));
    if (blocks) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    // Re-announced only when the findings change, not on every key.
    const key = JSON.stringify(found.map((f) => [f.kind, f.start, f.end, f.confidence, text.slice(f.start, f.end)]));
    if (key === shown) return;
    shown = key;
    if (!found.length) {
      replace(findings);
      return;
    }
    replace(findings,
      el('p', { class: blocks ? 'error' : 'warning' }, blocks
        ? 'Remove what could identify the patient before saving:'
        : 'Check this could not identify the patient (you can still save):'),
      el('ul', { class: 'finding-list' }, found.map((finding) => el('li', { class: finding.confidence },
        el('mark', {}, text.slice(finding.start, finding.end)),
        ` ${finding.message} `,
        el('button', { type: 'button', class: 'button small', 'aria-label': `Remove the ${WHAT[finding.kind] || 'identifier'}`,
          onclick: () => { change(matcher.removeIdentifier(get(), finding)); input.focus(); } }, 'Remove')))));
  }

  const node = el('div', { class: 'field' },
    el('label', { for: name }, label), input,
    chips.length > 0 && el('div', { class: 'chips', role: 'group', 'aria-label': `Suggestions for ${label.toLowerCase()}` }, chips),
    findings,
    el('p', { class: 'error', id: `${name}-error`, 'aria-live': 'polite' }));
  refresh();
  return node;
}

// Favourites: up to three pinned scans (choices and prompt chips), one tap away. Kept on this
// phone in localStorage, per user (a preference, not part of the logbook).
import { CHOICES, chipsIn } from '../entry.js';
import { labelOf } from '../vocab.js';
import { CHIP_LISTS } from './prompts.js';
import { el, replace } from './dom.js';

export const MAX_FAVOURITES = 3;
const LISTS = { region: 'regions', side: 'sides', activity: 'activities', supervision: 'supervision_levels' };

/** The favourite an entry would make: its choices and the chips in its prompts. */
export function favouriteOf(entry, vocab) {
  const favourite = Object.fromEntries(CHOICES.map((c) => [c, entry[c]]));
  favourite.chips = {};
  for (const [field, list] of Object.entries(CHIP_LISTS)) {
    const chips = chipsIn(entry[field], (vocab[list] || []).map((item) => item.label));
    if (chips.length) favourite.chips[field] = chips;
  }
  return favourite;
}

/** A favourite's name on its button: "Knee, Left, Diagnostic, Independent, effusion". */
export function favouriteName(favourite, vocab) {
  const words = CHOICES.map((c) => labelOf(vocab, LISTS[c], favourite[c]));
  return [...words, ...Object.values(favourite.chips || {}).flat()].join(', ');
}

const sameChoices = (a, b) => CHOICES.every((c) => a[c] === b[c]);

/** The favourites bar; `apply(favourite)` fills the form, `current()` is the entry being edited. */
export function favouritesBar({ vocab, storageKey, apply, current }) {
  const node = el('section', { class: 'favourites', 'aria-labelledby': 'favourites-title' });
  const load = () => JSON.parse(localStorage.getItem(storageKey) || '[]');
  const store = (list) => localStorage.setItem(storageKey, JSON.stringify(list.slice(0, MAX_FAVOURITES)));
  const note = el('p', { class: 'muted small', id: 'favourites-note', 'aria-live': 'polite' });

  function pin() {
    const entry = current();
    const list = load();
    if (CHOICES.some((c) => !entry[c])) note.textContent = 'Choose region, side, activity and supervision, then pin.';
    else if (list.some((f) => sameChoices(f, entry))) note.textContent = 'This scan is a favourite already.';
    else if (list.length >= MAX_FAVOURITES) note.textContent = `Up to ${MAX_FAVOURITES} favourites: remove one first.`;
    else {
      store([...list, favouriteOf(entry, vocab)]);
      render();
      note.textContent = 'Pinned as a favourite.';
    }
  }

  function unpin(index) {
    store(load().filter((_, i) => i !== index));
    render();
    note.textContent = 'Favourite removed.';
  }

  function render() {
    const list = load();
    replace(node,
      el('h3', { id: 'favourites-title', class: 'label' }, 'Favourites'),
      el('ul', { class: 'favourite-list' },
        list.map((favourite, i) => {
          const name = favouriteName(favourite, vocab);
          return el('li', {},
            el('button', { type: 'button', class: 'button favourite', onclick: () => apply(favourite) }, name),
            el('button', { type: 'button', class: 'button unpin', 'aria-label': `Remove favourite: ${name}`,
              onclick: () => unpin(i) }, '×'));
        }),
        list.length < MAX_FAVOURITES && el('li', {},
          el('button', { type: 'button', class: 'button small', id: 'pin-favourite', onclick: pin },
            list.length ? 'Pin this scan' : 'Pin this scan as a favourite'))),
      note);
  }

  render();
  return node;
}

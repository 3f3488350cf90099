// The conflict view: the server's and this device's versions side by side; keep one or merge.
import { PROMPTS } from '../entry.js';
import { el, replace } from './dom.js';

/** Merge two versions: the server's choices, each prompt's two texts joined when they differ. */
export function mergeVersions(server, mine) {
  const merged = { ...server };
  for (const { name } of PROMPTS) {
    const a = (server[name] || '').trim();
    const b = (mine[name] || '').trim();
    merged[name] = !a ? b : !b || a === b ? a : `${a} / ${b}`;
  }
  merged.critical_incident = Boolean(server.critical_incident || mine.critical_incident);
  return merged;
}

/** Show the conflict of one entry; `actions.resolve(entry, choice, merged?)` settles it. */
export function renderConflict(container, record, actions) {
  const { _conflict: mine, ...server } = record;
  const mineEntry = { ...mine.entry, deleted: mine.kind === 'delete' };
  const column = (title, entry, other) => el('section', { class: 'card', 'aria-label': title },
    el('h3', {}, title),
    entry.deleted ? el('p', { class: 'error' }, 'Deleted.') : actions.details(entry, other));
  const choice = (label, value, merged) => el('button', { type: 'button', class: 'button',
    onclick: () => actions.resolve(record, value, merged) }, label);
  const buttons = server.deleted
    ? [choice('Keep mine as a new entry', 'mine-as-new'), choice('Discard mine', 'server')]
    : mineEntry.deleted
      ? [choice('Keep the server’s', 'server'), choice('Delete it anyway', 'mine')]
      : [choice('Keep this device’s', 'mine'), choice('Keep the server’s', 'server'),
          choice('Merge and edit', 'merge', mergeVersions(server, mineEntry))];
  replace(container,
    el('h2', { id: 'conflict-title', tabindex: '-1' }, 'Changed on two devices'),
    el('p', {}, server.deleted
      ? 'This entry was deleted on another device after you changed it here. Nothing you typed is lost.'
      : 'This entry was changed on another device too. Choose which to keep, or merge them.'),
    el('div', { class: 'compare' },
      column('On the server', server, mineEntry), column('On this device', mineEntry, server)),
    el('div', { class: 'row' }, buttons,
      el('button', { type: 'button', class: 'button', onclick: actions.back }, 'Back')));
  container.querySelector('#conflict-title').focus();
}

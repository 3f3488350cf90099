// The account section: sync now, export unsynced entries as CSV, sign out (warning first).
import { entriesToCsv, isoDate } from '../entry.js';
import { el, replace } from './dom.js';

/** Download text as a file. */
function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Build the section; `session` gives user, pending(), unsynced(), syncNow(), signOut(). */
export function accountSection(session) {
  const section = el('section', { class: 'card', 'aria-labelledby': 'account-title' });
  const note = el('p', { id: 'pending-note' });
  const confirmArea = el('div', { 'aria-live': 'polite' });
  session.pending().then((n) => {
    note.textContent = n ? `${n} ${n === 1 ? 'entry' : 'entries'} not yet on the server.` : 'Everything is on the server.';
  });
  const signOut = async () => {
    const n = await session.pending();
    if (!n) return session.signOut();
    replace(confirmArea,
      el('p', { class: 'error' }, `${n} ${n === 1 ? 'entry is' : 'entries are'} not yet on the server. They stay on this phone and are sent when you sign in again. Export them first if you are changing phones.`),
      el('button', { type: 'button', class: 'button danger', id: 'confirm-signout', onclick: () => session.signOut() }, 'Sign out anyway'));
  };
  return replace(section,
    el('h3', { id: 'account-title' }, 'Account'),
    el('p', {}, `Signed in as ${session.user.name} (${session.user.email}).`),
    note,
    el('div', { class: 'row' },
      el('button', { type: 'button', class: 'button', onclick: () => session.syncNow() }, 'Sync now'),
      el('button', { type: 'button', class: 'button', id: 'export-csv', onclick: async () => {
        download(`scanlog-unsynced-${isoDate(new Date())}.csv`, entriesToCsv(await session.unsynced()));
      } }, 'Export unsynced (CSV)'),
      el('button', { type: 'button', class: 'button', id: 'signout', onclick: signOut }, 'Sign out')),
    confirmArea);
}

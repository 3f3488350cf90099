// Storage health: where the app runs, whether the phone keeps its storage, what is not yet sent.
import { displayDate } from '../entry.js';
import { el, replace } from './dom.js';

/** True when the app runs from the Home Screen (installed), not in a browser tab. */
export function installed() {
  return Boolean(navigator.standalone || matchMedia('(display-mode: standalone)').matches);
}

/** True on iPhone and iPad (iPadOS reports itself as a Mac with touch). */
export function onIos() {
  return /iPhone|iPad|iPod/.test(navigator.userAgent)
    || (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);
}

/**
 * What the browser says about this site's storage: {persisted, quota}. A private window gives
 * a small quota (Chromium about 100 MB, Safari less), which is the one hint a page gets.
 */
async function storageFacts() {
  const facts = { persisted: null, quota: null };
  try {
    if (navigator.storage?.persisted) facts.persisted = await navigator.storage.persisted();
    if (navigator.storage?.estimate) facts.quota = (await navigator.storage.estimate()).quota ?? null;
  } catch { /* an old browser: unknown */ }
  return facts;
}

const PRIVATE_QUOTA = 200 * 1024 * 1024;

function when(iso) {
  if (!iso) return 'not yet';
  return `${displayDate(iso.slice(0, 10))} at ${iso.slice(11, 16)} UTC`;
}

/** The storage health card; `session` gives counts(), store and lastSyncedAt(). */
export function storageHealth(session) {
  const list = el('dl', { id: 'storage-health' });
  const note = el('p', { id: 'pending-note' });
  const card = el('section', { class: 'card', 'aria-labelledby': 'health-title' },
    el('h3', { id: 'health-title' }, 'Storage health'), note, list);
  (async () => {
    const [{ pending, attention }, facts, asked, lastSync] = await Promise.all([session.counts(),
      storageFacts(), session.store.getMeta('persistence'), session.lastSyncedAt()]);
    const waiting = pending + attention;
    note.textContent = waiting
      ? `${waiting} ${waiting === 1 ? 'entry' : 'entries'} not yet on the server.`
      : 'Everything is on the server.';
    if (attention) note.append(` ${attention} ${attention === 1 ? 'needs' : 'need'} attention: see the Logbook.`);
    const persisted = facts.persisted ?? asked?.granted;
    const rows = [
      ['Running', installed() ? 'Installed on this phone' : 'In a browser tab', 'running'],
      ['Storage kept by the phone', persisted ? 'Yes (persistent storage granted)'
        : persisted === false ? 'Not granted: the phone may clear it when space is short' : 'Not asked yet', 'persisted'],
      ['Private browsing', facts.quota !== null && facts.quota < PRIVATE_QUOTA
        ? 'Suspected: entries may vanish when the window closes. Sync before you close it.' : 'Not detected', 'private'],
      ['On this phone only', String(waiting), 'unsynced'],
      ['Last successful sync', when(lastSync), 'last-sync'],
    ];
    replace(list, rows.flatMap(([label, value, key]) => [el('dt', {}, label), el('dd', { 'data-key': key }, value)]));
  })();
  return card;
}

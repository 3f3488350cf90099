// The Account screen: storage health, sync now, downloads, this user's devices, sign out.
import { ApiError, apiDownload, apiFetch } from '../api.js';
import { displayDate, entriesToCsv, isoDate } from '../entry.js';
import { el, replace } from './dom.js';
import { storageHealth } from './storage_health.js';

/** Save a blob as a file. */
function save(name, blob) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function downloadSection(session) {
  const said = el('p', { id: 'download-status', role: 'status' });
  const format = el('select', { id: 'download-format' },
    ['pdf', 'csv', 'xlsx'].map((f) => el('option', { value: f }, f.toUpperCase())));
  const download = async () => {
    said.textContent = 'Preparing your logbook…';
    try {
      const { blob, name } = await apiDownload(`/logbook/export?format=${format.value}`, session.token);
      save(name || `scanlog-logbook-${isoDate(new Date())}.${format.value}`, blob);
      said.textContent = 'Downloaded.';
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      said.textContent = status === 0
        ? 'You are offline: connect to download your logbook. Your entries are safe on this phone.'
        : status === 404 ? 'The server does not offer this download yet.'
          : `The download failed (${error.message}). Try again later.`;
    }
  };
  return el('section', { class: 'card', 'aria-labelledby': 'download-title' },
    el('h3', { id: 'download-title' }, 'Download my logbook'),
    el('div', { class: 'row' },
      el('label', { for: 'download-format' }, 'Format'), format,
      el('button', { type: 'button', class: 'button', id: 'download-logbook', onclick: download }, 'Download my logbook')),
    el('button', { type: 'button', class: 'button', id: 'export-csv', onclick: async () => {
      save(`scanlog-unsynced-${isoDate(new Date())}.csv`, new Blob([entriesToCsv(await session.unsynced())], { type: 'text/csv' }));
    } }, 'Export unsynced (CSV)'),
    said);
}

function devicesSection(session) {
  const list = el('ul', { class: 'devices', id: 'device-list', 'aria-label': 'Devices' });
  const said = el('p', { id: 'devices-status', role: 'status' });
  const load = async () => {
    try {
      const { devices } = await apiFetch('/auth/tokens', { token: session.token });
      replace(list, devices.map((d) => el('li', { class: 'device' },
        el('span', {}, el('strong', {}, d.device_name), ` signed in ${displayDate(d.created_at.slice(0, 10))}`,
          d.current ? ' (this phone)' : ''),
        !d.current && el('button', { type: 'button', class: 'button', 'aria-label': `Sign out ${d.device_name}`,
          onclick: async () => {
            await apiFetch(`/auth/tokens/${d.id}`, { method: 'DELETE', token: session.token }).catch(() => {});
            said.textContent = `${d.device_name} is signed out.`;
            load();
          } }, 'Sign out'))));
    } catch {
      said.textContent = 'Connect to the internet to see your devices.';
    }
  };
  load();
  return el('section', { class: 'card', 'aria-labelledby': 'devices-title' },
    el('h3', { id: 'devices-title' }, 'Your devices'), list, said);
}

/** Render the Account screen; `session` gives user, counts(), syncAndReport(), signOut(), ... */
export function renderAccount(container, session) {
  const report = el('p', { id: 'sync-report', role: 'status' });
  const confirmArea = el('div', { 'aria-live': 'polite' });
  const signOut = async () => {
    const n = await session.pending();
    if (!n) return session.signOut();
    replace(confirmArea,
      el('p', { class: 'error' }, `${n} ${n === 1 ? 'entry is' : 'entries are'} not yet on the server. They stay on this phone and are sent when you sign in again. Export them first if you are changing phones.`),
      el('button', { type: 'button', class: 'button danger', id: 'confirm-signout', onclick: () => session.signOut() }, 'Sign out anyway'));
  };
  const syncNow = async () => {
    report.textContent = 'Syncing…';
    report.textContent = await session.syncAndReport();
    renderAccount(container, session).querySelector('#sync-report').textContent = report.textContent;
  };
  return replace(container,
    el('h2', { id: 'account-title' }, 'Account'),
    el('p', {}, `Signed in as ${session.user.name} (${session.user.email}).`),
    storageHealth(session),
    el('div', { class: 'row' },
      el('button', { type: 'button', class: 'button primary', id: 'sync-now', onclick: syncNow }, 'Sync now')),
    report,
    downloadSection(session),
    devicesSection(session),
    el('section', { class: 'card' },
      el('button', { type: 'button', class: 'button', id: 'signout', onclick: signOut }, 'Sign out'),
      confirmArea));
}

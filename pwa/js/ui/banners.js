// Banners above the screen: app updates, the iOS install card, unsynced for days, sign-in needed.
import { el } from './dom.js';
import { installed, onIos } from './storage_health.js';

const area = () => document.getElementById('banners');

/** Show (or replace) a banner with an id; returns it. */
export function showBanner(id, text, buttons = [], alert = false) {
  document.getElementById(id)?.remove();
  const banner = el('div', { class: alert ? 'banner alert' : 'banner', id, role: alert ? 'alert' : 'status' },
    el('p', {}, text), el('div', { class: 'row' }, buttons));
  area().append(banner);
  return banner;
}

/** Remove a banner if shown. */
export function hideBanner(id) {
  document.getElementById(id)?.remove();
}

/** Register the service worker; offer "Update" when a new version waits (reload only on tap). */
export async function watchForUpdates() {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  let tapped = false;
  const offer = (worker) => showBanner('update-banner', 'Update available.', [
    el('button', { type: 'button', class: 'button primary', id: 'update-now', onclick: () => {
      tapped = true;
      worker.postMessage({ type: 'SKIP_WAITING' });
    } }, 'Update')]);
  navigator.serviceWorker.addEventListener('controllerchange', () => { if (tapped) location.reload(); });
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offer(worker);
    });
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') registration.update().catch(() => {});
  });
}

const DISMISSED = 'scanlog-ios-hint';
const DAY_MS = 86400000;

/**
 * On iOS in a Safari tab, installing is the first step: Safari clears a site's storage after
 * seven days without a visit, and a Home Screen app does not share the tab's storage. So the
 * card waits until every entry made in this tab is on the server (the installed app pulls them
 * back), then shows the two taps and why; dismissible.
 */
export function iosInstallCard(pending) {
  if (!onIos() || installed() || localStorage.getItem(DISMISSED) === 'done') return;
  if (pending) {
    showBanner('ios-hint', 'Sending your entries to the server first; then add ScanLog to your Home Screen.');
    return;
  }
  showBanner('ios-hint', 'Install ScanLog first: tap Share, then "Add to Home Screen". On iPhone, Safari clears a website\'s storage after 7 days without a visit; the Home Screen app keeps your entries. Anything you logged here is on the server, so the app gets it back.', [
    el('button', { type: 'button', class: 'button', id: 'ios-hint-dismiss', onclick: () => {
      localStorage.setItem(DISMISSED, 'done');
      hideBanner('ios-hint');
    } }, 'OK, got it')]);
}

/** A plain warning when entries have sat on this phone only for days (none: no warning). */
export function staleWarning(pending, oldestTouched, now) {
  const days = oldestTouched ? Math.floor((now - oldestTouched) / DAY_MS) : 0;
  if (!pending || days < 2) {
    hideBanner('stale-warning');
    return;
  }
  showBanner('stale-warning', `${pending} ${pending === 1 ? 'entry has' : 'entries have'} been on this phone only for ${days} days. Connect to the internet and open Account, then Sync now, so ${pending === 1 ? 'it is' : 'they are'} safe on the server.`, [], true);
}

// Banners above the screen: app updates, the iOS home-screen hint, sign-in needed.
import { el } from './dom.js';

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

/** On iOS Safari outside the home screen, explain why adding the app matters. */
export function iosHint() {
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
  const standalone = navigator.standalone || matchMedia('(display-mode: standalone)').matches;
  if (!ios || standalone || localStorage.getItem('scanlog-ios-hint') === 'done') return;
  showBanner('ios-hint', 'On iPhone, add ScanLog to your Home Screen (Share, then "Add to Home Screen") so the phone keeps your entries.', [
    el('button', { type: 'button', class: 'button', onclick: () => {
      localStorage.setItem('scanlog-ios-hint', 'done');
      hideBanner('ios-hint');
    } }, 'OK')]);
}

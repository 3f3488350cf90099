// The app: boots a signed-in session or the sign-in screen, and routes between screens.
import * as db from './db.js';
import { isoDate } from './entry.js';
import { Session } from './session.js';
import { claim, current, el, replace } from './ui/dom.js';
import { hideBanner, iosInstallCard, showBanner, watchForUpdates } from './ui/banners.js';

// Only the entry form is on the start path; the other screens load when first shown.
const renderSignin = (...args) => import('./ui/signin.js').then((m) => m.renderSignin(...args));
const logbookUi = () => import('./ui/logbook.js');
const accountUi = () => import('./ui/account.js');

const main = document.getElementById('main');
const tabs = document.getElementById('tabs');
const today = () => isoDate(new Date());
let session = null;

async function renderProgressScreen() {
  const token = claim(main);
  const [{ renderProgress }, entries] = await Promise.all([import('./ui/progress_view.js'), session.liveEntries()]);
  if (!current(main, token)) return;
  const box = el('div', { id: 'progress-view' });
  replace(main, el('h2', {}, 'Progress'), box);
  renderProgress(box, {
    entries, logbook: session.user.logbook, today: today(), token: session.auth.token, store: session.store,
  });
}

/** Show the screen named in the address (#log, #logbook, #progress, #account). */
export async function route() {
  if (!session) return;
  window.scrollTo(0, 0);
  const screen = (location.hash || '#log').slice(1);
  for (const link of tabs.querySelectorAll('a')) {
    if (link.dataset.screen === screen) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (screen === 'logbook') {
    const token = claim(main); // a screen chosen while the modules load wins
    const logbook = await logbookUi();
    if (session && current(main, token)) await logbook.renderLogbook(main, session.logbookActions(logbook));
  }
  else if (screen === 'account') {
    const token = claim(main);
    const account = await accountUi();
    if (session && current(main, token)) account.renderAccount(main, session.accountActions());
  }
  else if (screen === 'progress') await renderProgressScreen();
  else {
    claim(main);
    replace(main, session.form.node);
    if (!performance.getEntriesByName('form-ready').length) performance.mark('form-ready');
  }
}

async function start(auth) {
  session?.stop();
  db.rememberLastUser(auth.user.id);
  session = new Session(auth, { today, onScreenChange: refreshIfListing, onSignInNeeded: askSignIn, onSignedOut: signedOut });
  await session.open();
  tabs.hidden = false;
  await route();
  session.header();
  if (auth.expired) askSignIn();
  else session.syncNow();
}

function refreshIfListing(force = false) {
  if (location.hash === '#logbook' && (force || main.querySelector('#entry-list'))) route();
}

function askSignIn() {
  showBanner('signin-banner', 'Sign in again to send your entries. They are safe on this phone.', [
    el('button', { type: 'button', class: 'button primary', id: 'signin-again', onclick: () => {
      hideBanner('signin-banner');
      tabs.hidden = true;
      renderSignin(main, { email: session.user.email, onSignedIn: signedIn,
        reason: 'This phone was signed out. Your entries are kept.' });
    } }, 'Sign in')], true);
}

async function signedIn({ token, user }) {
  const auth = { token, user, expired: false };
  await db.setAuth(auth);
  hideBanner('signin-banner');
  history.replaceState(null, '', '#log'); // a fresh sign-in starts on the entry form
  await start(auth);
}

function signedOut() {
  session = null;
  tabs.hidden = true;
  document.getElementById('year-count').textContent = '';
  document.getElementById('sync-badge').hidden = true;
  renderSignin(main, { onSignedIn: signedIn });
}

async function boot() {
  window.addEventListener('hashchange', route);
  // Tapping the tab you are on goes back to its start (the list, from an entry's page).
  tabs.addEventListener('click', (event) => {
    if (event.target.closest('a')?.hash === location.hash) route();
  });
  window.addEventListener('online', () => session?.syncNow());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') session?.syncNow();
  });
  const auth = await db.getAuth();
  if (auth) await start(auth);
  else signedOut();
  // After the first screen: the form comes first, housekeeping second.
  watchForUpdates().catch((error) => console.warn('No service worker', error));
  // Persistent storage is asked at the first save (session.askPersistence), not at start.
  if (session) session.installHints();
  else iosInstallCard(0); // nothing made here yet: installing first loses nothing
}

boot();

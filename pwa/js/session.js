// One signed-in user on this device: their logbook store, sync engine, form and header.
import * as db from './db.js';
import { apiFetch } from './api.js';
import { newId, newestEntry, toPayload } from './entry.js';
import { DEFAULT_VOCABULARY, mergeVocabulary } from './vocab.js';
import { createEntryForm } from './ui/form.js';
import { yearSummary, renderBadge } from './ui/header.js';
import { iosInstallCard, staleWarning } from './ui/banners.js';

/** A signed-in session; callbacks tell the app when to re-render or ask for sign-in. */
export class Session {
  constructor(auth, { today, onScreenChange, onSignInNeeded, onSignedOut }) {
    Object.assign(this, { auth, today, onScreenChange, onSignInNeeded, onSignedOut });
    this.user = auth.user;
    this.store = new db.UserDb(auth.user.id);
    this.vocab = DEFAULT_VOCABULARY;
    this.entries = [];
    this.syncState = { status: 'idle', pending: 0 };
  }

  /** Load the device's copy and build the form (the sync engine comes after, see syncNow). */
  async open() {
    const [vocabulary, entries] = await Promise.all([this.store.getMeta('vocabulary'), this.store.entries()]);
    this.vocab = mergeVocabulary(vocabulary);
    this.entries = entries;
    this.form = createEntryForm({ vocab: this.vocab, today: this.today, lastEntry: () => this.lastEntry(),
      onSave: (entry) => this.save(entry), draftKey: `scanlog-draft-${this.user.id}`, logbook: () => this.user.logbook });
    if (!this.auth.expired) this.refreshAccount();
  }

  /** On iOS in a Safari tab: the install card, once every entry made here is on the server. */
  async installHints(pending = null) {
    const waiting = pending ?? (await this.store.stateCounts()).pending;
    iosInstallCard(waiting);
  }

  /** Stop syncing (another user signs in, or this one signs out). */
  stop() {
    this.stopped = true;
    this.engine?.stop();
  }

  /** The sync engine, made on first use (off the start path: the form comes first). */
  syncEngine() {
    this.engineReady ??= Promise.all([import('./sync.js'), db.deviceId()]).then(([{ SyncEngine }, deviceId]) => {
      this.engine = new SyncEngine({ db: this.store, token: this.auth.token, userId: this.user.id,
        deviceId, onChange: (state) => this.onSync(state) });
      if (this.stopped) this.engine.stop();
      return this.engine;
    });
    return this.engineReady;
  }

  /** Non-deleted entries on the device. */
  async liveEntries() {
    this.entries = await this.store.entries();
    return this.entries.filter((e) => !e.deleted);
  }

  lastEntry() {
    return newestEntry(this.entries);
  }

  async save(entry) {
    this.undoable = null;
    await this.store.saveEntry(entry);
    this.askPersistence();
    await this.liveEntries();
    const summary = await this.header();
    this.syncNow();
    return summary ? `Saved - ${summary}` : 'Saved.';
  }

  /**
   * At the first save, ask the browser to keep this site's storage (not evicted under pressure)
   * and record the answer for Account's storage health; asked once per logbook.
   */
  async askPersistence() {
    if ((await this.store.getMeta('persistence')) !== undefined) return;
    let granted = null; // null: this browser cannot be asked
    try {
      if (navigator.storage?.persist) granted = await navigator.storage.persist();
    } catch { granted = false; }
    await this.store.setMeta('persistence', { granted, askedAt: new Date().toISOString() });
  }

  /** Start a sync cycle now (unless the token needs renewing). */
  syncNow() {
    if (this.auth.expired || this.stopped) return;
    this.syncEngine().then((engine) => {
      engine.stopped = false;
      engine.sync();
    }).catch((error) => console.error('Sync unavailable', error));
  }

  async onSync(state) {
    const before = this.syncState;
    this.syncState = state;
    renderBadge(state, () => this.syncNow());
    if (state.lastSyncedAt && state.lastSyncedAt !== before.lastSyncedAt) {
      await this.store.setMeta('last-synced-at', state.lastSyncedAt);
    }
    if (state.status === 'signin' && !this.auth.expired) {
      this.auth = { ...this.auth, expired: true };
      await db.setAuth(this.auth);
      this.onSignInNeeded();
    }
    if ((before.status === 'syncing' && state.status !== 'syncing') || state.pulled) {
      await this.liveEntries();
      this.form.refresh();
      await this.header();
      this.onScreenChange();
    }
  }

  /** Update the header count; returns "127 of 300 this year" or ''. */
  async header() {
    const { pending, attention, oldestPending } = await this.store.stateCounts();
    renderBadge({ ...this.syncState, pending, attention }, () => this.syncNow());
    staleWarning(pending, oldestPending, Date.now());
    this.installHints(pending);
    return yearSummary(await this.liveEntries(), this.user.logbook, this.today(), attention);
  }

  /** Fetch /me and the vocabulary when online; failures are fine (the device copy stays). */
  async refreshAccount() {
    try {
      const me = await apiFetch('/me', { token: this.auth.token });
      this.user = me;
      this.auth = { ...this.auth, user: me };
      await db.setAuth(this.auth);
      await this.header();
    } catch { /* offline or signed out: the engine reports it */ }
    try {
      await this.store.setMeta('vocabulary', await apiFetch('/vocabulary', { token: this.auth.token }));
    } catch { /* the built-in vocabulary works offline */ }
  }

  /** What the logbook screen needs (`logbook`: that screen's module). */
  logbookActions(logbook) {
    return {
      store: this.store, vocab: this.vocab,
      details: (entry, other) => logbook.entryDetails(entry, this.vocab, other),
      edit: (entry) => { this.form.load(entry); location.hash = '#log'; },
      remove: (entry) => {
        this.undoable = entry;
        return this.store.saveEntry(entry, 'delete').then(() => this.afterChange());
      },
      undo: (entry) => { this.undoable = null; return this.restore(entry); },
      undoOffer: () => this.undoable,
      resolve: (record, choice, merged) => this.resolve(record, choice, merged),
      logbook: this.user.logbook,
    };
  }

  /**
   * Undo a delete, or restore a tombstone: before the delete reached the server it is taken
   * back in place; after, a `restore` op brings back the same entry (same id, its comments).
   */
  async restore(entry) {
    const local = (await this.store.entry(entry.id)) || entry;
    if (await this.store.hasUnsentOp(entry.id)) await this.store.saveEntry({ ...local, deleted: false });
    else await this.store.saveEntry(local, 'restore');
    await this.afterChange();
  }

  async resolve(record, choice, merged) {
    const { _conflict: mine, ...server } = record;
    if (choice === 'server') await this.store.putLocal(server);
    if (choice === 'mine') await this.store.saveEntry({ ...toPayload(mine.entry), version: server.version }, mine.kind);
    if (choice === 'mine-as-new') {
      await this.store.saveEntry({ ...toPayload(mine.entry), id: newId() });
      await this.store.putLocal(server);
    }
    if (choice === 'merge') {
      this.form.load({ ...merged, version: server.version });
      location.hash = '#log';
      return;
    }
    await this.afterChange();
    this.onScreenChange(true);
  }

  async afterChange() {
    await this.header();
    this.syncNow();
  }

  accountActions() {
    return {
      user: this.user,
      token: this.auth.token,
      store: this.store,
      pending: () => this.store.unsynced().then((list) => list.length), // held ones included
      unsynced: () => this.store.unsynced(),
      counts: () => this.store.stateCounts(),
      lastSyncedAt: () => this.store.getMeta('last-synced-at'),
      syncNow: () => this.syncNow(),
      syncAndReport: () => this.syncAndReport(),
      signOut: () => this.signOut(),
    };
  }

  /** Run a sync now and say in words what it did (also when offline or signed out). */
  async syncAndReport() {
    const before = await this.store.stateCounts();
    if (this.auth.expired) return 'Sign in again to sync. Your entries are safe on this phone.';
    const engine = await this.syncEngine();
    engine.stopped = false;
    const state = await engine.sync();
    const after = await this.store.stateCounts();
    const sent = Math.max(0, before.pending - after.pending);
    if (state.status === 'offline') return `No connection: nothing was sent. ${after.pending} waiting on this phone, kept safe.`;
    if (state.status !== 'idle') return `The server could not be reached properly: ${after.pending} still waiting; it tries again by itself.`;
    const parts = [sent ? `Sent ${sent} ${sent === 1 ? 'entry' : 'entries'}.` : 'Nothing new to send.',
      after.attention ? `${after.attention} need${after.attention === 1 ? 's' : ''} attention.` : 'Up to date with the server.'];
    return parts.join(' ');
  }

  async signOut() {
    this.stop();
    await apiFetch('/auth/token', { method: 'DELETE', token: this.auth.token }).catch(() => {});
    await db.setAuth(null);
    this.onSignedOut();
  }
}

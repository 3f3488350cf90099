// One signed-in user on this device: their logbook store, sync engine, form and header.
import * as db from './db.js';
import { apiFetch } from './api.js';
import { newId, newestEntry, toPayload } from './entry.js';
import { DEFAULT_VOCABULARY, mergeVocabulary } from './vocab.js';
import { createEntryForm } from './ui/form.js';
import { yearSummary, renderBadge } from './ui/header.js';

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
    await this.liveEntries();
    const summary = await this.header();
    this.syncNow();
    return summary ? `Saved - ${summary}` : 'Saved.';
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
    const { pending, held } = await this.store.outboxCounts();
    renderBadge({ ...this.syncState, pending, attention: held }, () => this.syncNow());
    return yearSummary(await this.liveEntries(), this.user.logbook, this.today());
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

  /** What the logbook screen needs (`logbook`, `account`: those screens' modules). */
  logbookActions(logbook, account) {
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
      accountSection: () => account.accountSection(this.accountActions()),
    };
  }

  async restore(entry) {
    // Before the delete reached the server it is simply taken back; after, the scan comes back
    // as a new entry (the server never revives a tombstone).
    if (await this.store.hasUnsentOp(entry.id)) await this.store.saveEntry({ ...entry, deleted: false });
    else await this.store.saveEntry({ ...toPayload(entry), id: newId() });
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
      pending: () => this.store.unsynced().then((list) => list.length), // held ones included
      unsynced: () => this.store.unsynced(),
      syncNow: () => this.syncNow(),
      signOut: () => this.signOut(),
    };
  }

  async signOut() {
    this.stop();
    await apiFetch('/auth/token', { method: 'DELETE', token: this.auth.token }).catch(() => {});
    await db.setAuth(null);
    this.onSignedOut();
  }
}

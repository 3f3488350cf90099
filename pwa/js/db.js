// The only module that touches IndexedDB: a tiny promise adapter and the app's verbs.
import { applyAnswer, mayReplace, needsAttention, pickBatch, refusedRecord } from './outbox.js';
import { newId } from './entry.js';

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** One database with reopen-on-close: the browser may close a connection (iOS does). */
class Connection {
  constructor(name, version, upgrade) {
    Object.assign(this, { name, version, upgrade, opening: null });
  }

  open() {
    if (!this.opening) {
      const request = indexedDB.open(this.name, this.version);
      request.onupgradeneeded = (event) => this.upgrade(request.result, event.oldVersion);
      this.opening = done(request).then((db) => {
        db.onclose = () => { this.opening = null; };
        db.onversionchange = () => { db.close(); this.opening = null; };
        return db;
      });
      this.opening.catch(() => { this.opening = null; });
    }
    return this.opening;
  }

  /**
   * Run fn(tx) in one transaction; resolves with fn's result once the transaction commits. When fn
   * throws (or rejects), the transaction is aborted, so nothing it wrote is kept, and the promise
   * rejects with fn's error. fn may await only requests of tx (anything else lets it commit).
   */
  async run(stores, mode, fn, retry = true) {
    const db = await this.open();
    let tx;
    try {
      // The outbox is what a student cannot type again: its writes reach the disk before they
      // count as done where the browser lets us ask (others ignore the option).
      tx = db.transaction(stores, mode, mode === 'readwrite' ? { durability: 'strict' } : undefined);
    } catch (error) {
      if (!retry || error.name !== 'InvalidStateError') throw error;
      this.opening = null;
      return this.run(stores, mode, fn, false);
    }
    const committed = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error('Transaction aborted'));
    });
    let result;
    try {
      result = await fn(tx);
    } catch (error) {
      try {
        tx.abort();
      } catch { /* a failed request has already aborted it */ }
      await committed.catch(() => {});
      throw error;
    }
    await committed;
    return result;
  }
}

const get = (tx, store, key) => done(tx.objectStore(store).get(key));
const all = (tx, store) => done(tx.objectStore(store).getAll());
const opsFor = (tx, entryId) => done(tx.objectStore('outbox').index('entry_id').getAll(entryId));
/** A new outbox op, not yet sent, carrying the entry's record. */
const newOp = (record, kind = 'upsert') => ({ op_id: newId(), entry_id: record.id, kind, entry: record, sent: false });

// Each upgrade switches on the version the device has: every step after it runs, in order, on the
// data already there (as workbox's QueueDb._upgradeDb does). A step never drops or recreates a
// store, so what a student queued on an older version of the app survives the update.
const auth = new Connection('scanlog-auth', 1, (db, oldVersion) => {
  switch (oldVersion) {
    case 0:
      db.createObjectStore('kv');
  }
});

/** The device's auth record ({token, user, expired}) or null. */
export function getAuth() {
  return auth.run(['kv'], 'readonly', (tx) => get(tx, 'kv', 'auth')).then((v) => v || null);
}

/** Store (or clear, with null) the auth record. */
export function setAuth(value) {
  return auth.run(['kv'], 'readwrite', (tx) => {
    const kv = tx.objectStore('kv');
    if (value) kv.put(value, 'auth');
    else kv.delete('auth');
  });
}

/** This device's id: made once, kept across sign-ins. */
export function deviceId() {
  return auth.run(['kv'], 'readwrite', async (tx) => {
    let id = await get(tx, 'kv', 'device_id');
    if (!id) {
      id = newId();
      tx.objectStore('kv').put(id, 'device_id');
    }
    return id;
  });
}

const USER_DB_VERSION = 2;

function upgradeUserDb(db, oldVersion) {
  switch (oldVersion) {
    case 0: {
      db.createObjectStore('entries', { keyPath: 'id' });
      const outbox = db.createObjectStore('outbox', { keyPath: 'n', autoIncrement: true });
      outbox.createIndex('entry_id', 'entry_id');
      db.createObjectStore('comments', { keyPath: 'id' }).createIndex('entry_id', 'entry_id');
      db.createObjectStore('meta');
    }
    // falls through
    case 1:
      // Version 2 changes no store. It is the first step a phone holding data runs on update,
      // proven to keep every queued op (tests/browser/test_storage.py); the next change goes here.
  }
}

const userConnections = new Map();

function userConnection(userId) {
  const name = `scanlog-user-${userId}`;
  if (!userConnections.has(name)) userConnections.set(name, new Connection(name, USER_DB_VERSION, upgradeUserDb));
  return userConnections.get(name);
}

const LAST_USER = 'scanlog-last-user';

/** Remember whose logbook this device opened last (an id, not a secret), for a faster start. */
export function rememberLastUser(userId) {
  try {
    localStorage.setItem(LAST_USER, String(userId));
  } catch { /* storage full or blocked: only the start is slower */ }
}

// Opening the databases is the slowest step of a start: begin both now, side by side, while the
// rest of the app's modules are still being evaluated (the logbook is the last user's, usually).
if (globalThis.indexedDB && globalThis.localStorage) {
  auth.open().catch(() => {});
  const last = localStorage.getItem(LAST_USER);
  if (last) userConnection(last).open().catch(() => {});
}

/** One user's logbook on this device: each user has their own database and outbox. */
export class UserDb {
  constructor(userId) {
    this.conn = userConnection(userId);
  }

  /** Save an entry and its outbox op in one transaction (an unsent op is updated in place). */
  saveEntry(entry, kind = 'upsert') {
    return this.conn.run(['entries', 'outbox'], 'readwrite', async (tx) => {
      const local = await get(tx, 'entries', entry.id);
      const record = { ...local, ...entry, deleted: kind === 'delete', _pending: true };
      delete record._attention;
      delete record._conflict;
      record._touched = Date.now();
      const ops = await opsFor(tx, entry.id);
      const outbox = tx.objectStore('outbox');
      // An op the server refused on its own is replaced by this edit (the server applied nothing).
      for (const op of ops) if (op.held) outbox.delete(op.n);
      const unsent = ops.find((op) => !op.sent);
      if (unsent) outbox.put({ ...unsent, kind, entry: record });
      else outbox.add(newOp(record, kind));
      tx.objectStore('entries').put(record);
      return record;
    });
  }

  /** The next push batch; its unsent ops are marked sent (immutable from now on). */
  takeBatch(limit = 100) {
    return this.conn.run(['entries', 'outbox'], 'readwrite', async (tx) => {
      const ops = await all(tx, 'outbox');
      const byId = {};
      for (const op of ops) byId[op.entry_id] ||= await get(tx, 'entries', op.entry_id);
      const batch = pickBatch(ops, byId, limit);
      for (const op of batch) tx.objectStore('outbox').put(op);
      return batch;
    });
  }

  /** Apply a push answer: drop answered ops and update their entries, in one transaction. */
  applyResults(batch, results) {
    return this.conn.run(['entries', 'outbox'], 'readwrite', async (tx) => {
      const outbox = tx.objectStore('outbox');
      for (const [i, op] of batch.entries()) {
        outbox.delete(op.n);
        const later = (await opsFor(tx, op.entry_id)).filter((o) => o.n !== op.n);
        const local = await get(tx, 'entries', op.entry_id);
        const { record, dropLater, requeue } = applyAnswer(op, results[i], local || op.entry, later);
        if (dropLater) for (const o of later) outbox.delete(o.n);
        if (requeue) outbox.add(newOp(record));
        tx.objectStore('entries').put(record);
      }
    });
  }

  /** Keep an op the server refused on its own on the device, out of later pushes, and mark its
   * entry "needs attention" (an edit replaces the op). */
  holdOp(op, attention) {
    return this.conn.run(['entries', 'outbox'], 'readwrite', async (tx) => {
      const stored = (await opsFor(tx, op.entry_id)).find((o) => o.n === op.n);
      if (!stored) return;
      tx.objectStore('outbox').put({ ...stored, held: true });
      const local = (await get(tx, 'entries', op.entry_id)) || op.entry;
      tx.objectStore('entries').put({ ...refusedRecord(op, local), _pending: false, _attention: attention });
    });
  }

  /** Save a pulled page and the new cursor in one transaction; queued entries are left alone. */
  applyPull(page, seen = null) {
    return this.conn.run(['entries', 'outbox', 'comments', 'meta'], 'readwrite', async (tx) => {
      for (const entry of page.entries) {
        seen?.add(entry.id);
        const queued = (await opsFor(tx, entry.id)).length > 0;
        const local = await get(tx, 'entries', entry.id);
        if (mayReplace(local, queued)) tx.objectStore('entries').put({ ...entry, _pending: false });
      }
      for (const comment of page.comments || []) tx.objectStore('comments').put(comment);
      tx.objectStore('meta').put(page.next, 'cursor');
    });
  }

  /** A value from this logbook's meta store. */
  getMeta(key) {
    return this.conn.run(['meta'], 'readonly', (tx) => get(tx, 'meta', key));
  }

  /** Set a value in this logbook's meta store. */
  setMeta(key, value) {
    return this.conn.run(['meta'], 'readwrite', (tx) => { tx.objectStore('meta').put(value, key); });
  }

  /** Every entry record on the device, tombstones included. */
  entries() {
    return this.conn.run(['entries'], 'readonly', (tx) => all(tx, 'entries'));
  }

  /** One entry record, or undefined. */
  entry(id) {
    return this.conn.run(['entries'], 'readonly', (tx) => get(tx, 'entries', id));
  }

  /** Replace an entry record without queueing an op (local-only flags such as a settled conflict). */
  putLocal(record) {
    return this.conn.run(['entries'], 'readwrite', (tx) => { tx.objectStore('entries').put(record); });
  }

  /** Comments on one entry, oldest first, without deleted ones. */
  comments(entryId) {
    return this.conn.run(['comments'], 'readonly', (tx) =>
      done(tx.objectStore('comments').index('entry_id').getAll(entryId)),
    ).then((list) => list.filter((c) => !c.deleted).sort((a, b) => a.seq - b.seq));
  }

  /** True when the entry has an op not yet sent (so it can still be changed in place). */
  hasUnsentOp(entryId) {
    return this.conn.run(['outbox'], 'readonly', (tx) => opsFor(tx, entryId))
      .then((ops) => ops.some((op) => !op.sent));
  }

  /** {pending, held}: entries waiting to sync, and entries whose op the server refused on its own. */
  outboxCounts() {
    return this.conn.run(['outbox'], 'readonly', (tx) => all(tx, 'outbox')).then((ops) => {
      const held = new Set(ops.filter((op) => op.held).map((op) => op.entry_id));
      const pending = new Set(ops.map((op) => op.entry_id).filter((id) => !held.has(id)));
      return { pending: pending.size, held: held.size };
    });
  }

  /** Entries whose latest change is not yet on the server (for the CSV export). */
  unsynced() {
    return this.conn.run(['outbox'], 'readonly', (tx) => all(tx, 'outbox')).then((ops) => {
      const latest = new Map();
      for (const op of ops) latest.set(op.entry_id, op.entry);
      return [...latest.values()];
    });
  }

  /**
   * After a pull from 0: entries the device holds as synced that the server did not return (it
   * was restored from an older backup) are queued again as new, so nothing is lost. Returns
   * how many were queued.
   */
  requeueMissing(seen) {
    return this.conn.run(['entries', 'outbox'], 'readwrite', async (tx) => {
      let queued = 0;
      for (const entry of await all(tx, 'entries')) {
        if (seen.has(entry.id) || entry.deleted || !entry.version) continue;
        if ((await opsFor(tx, entry.id)).length) continue; // its op is still on the way
        const record = { ...entry, version: 0, _pending: true };
        tx.objectStore('entries').put(record);
        tx.objectStore('outbox').add(newOp(record));
        queued += 1;
      }
      return queued;
    });
  }

  /**
   * {pending, attention, synced}: entries waiting to sync, entries that need attention (refused
   * by the server or in conflict), and live entries the device holds as on the server.
   */
  stateCounts() {
    return this.conn.run(['entries', 'outbox'], 'readonly', async (tx) => {
      const [entries, ops] = [await all(tx, 'entries'), await all(tx, 'outbox')];
      const attention = new Set(ops.filter((op) => op.held).map((op) => op.entry_id));
      for (const entry of entries) if (needsAttention(entry)) attention.add(entry.id);
      const pending = new Set(ops.map((op) => op.entry_id).filter((id) => !attention.has(id)));
      const queued = new Set(ops.map((op) => op.entry_id));
      const synced = entries.filter((e) => !e.deleted && e.version && !queued.has(e.id) && !needsAttention(e)).length;
      const times = ops.map((op) => op.entry?._touched).filter(Boolean);
      return { pending: pending.size, attention: attention.size, synced, oldestPending: times.length ? Math.min(...times) : null };
    });
  }

  /** Every comment on the device (deleted ones left out). */
  allComments() {
    return this.conn.run(['comments'], 'readonly', (tx) => all(tx, 'comments'))
      .then((list) => list.filter((c) => !c.deleted));
  }
}

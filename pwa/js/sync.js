// The sync engine (no DOM): push the outbox in batches, then pull until has_more is false.
import { ApiError, apiFetch } from './api.js';
import { backoffDelay, pushBody } from './outbox.js';

const IDLE_CHECK_MS = 60000;

/** Runs sync cycles for one signed-in user; one runner across tabs via navigator.locks. */
export class SyncEngine {
  constructor({ db, token, userId, deviceId, onChange = () => {}, fetcher = apiFetch }) {
    Object.assign(this, { db, token, userId, deviceId, onChange, fetcher });
    this.state = { status: 'idle', pending: 0, lastSyncedAt: null, message: '' };
    this.failures = 0;
    this.timer = null;
    this.running = null;
    this.again = false;
    this.stopped = false;
  }

  /** Start (or join) a cycle; resolves when this tab's cycles are done. */
  sync() {
    if (this.stopped) return Promise.resolve(this.state);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.withLock(() => this.cycle());
      } while (this.again && !this.stopped);
      this.running = null;
      return this.state;
    })();
    return this.running;
  }

  /** Stop timers and further cycles (sign-out, user switch). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  withLock(fn) {
    const locks = globalThis.navigator?.locks;
    return locks ? locks.request(`scanlog-sync-${this.userId}`, fn) : fn();
  }

  async cycle() {
    clearTimeout(this.timer);
    this.set({ status: 'syncing', pending: await this.db.pendingCount() });
    try {
      await this.push();
      await this.pull();
      this.failures = 0;
      this.set({ status: 'idle', lastSyncedAt: new Date().toISOString(), message: '' });
    } catch (error) {
      if (!(error instanceof ApiError)) console.error('Sync failed', error);
      if (error.status === 401) {
        this.set({ status: 'signin', message: 'Sign in again to send your entries.' });
        this.stop();
      } else {
        this.failures += 1;
        const offline = error instanceof ApiError && error.status === 0;
        this.set({ status: offline ? 'offline' : 'error', message: offline ? '' : error.message });
      }
    }
    this.set({ pending: await this.db.pendingCount() });
    this.plan();
  }

  async push() {
    for (;;) {
      const batch = await this.db.takeBatch(100);
      if (!batch.length) return;
      const answer = await this.fetcher('/sync/push', {
        method: 'POST', token: this.token, body: pushBody(this.deviceId, batch),
      });
      await this.db.applyResults(batch, answer.results);
      this.set({ pending: await this.db.pendingCount() });
    }
  }

  async pull() {
    let since = (await this.db.getMeta('cursor')) || 0;
    for (;;) {
      const page = await this.fetcher(`/sync/pull?since=${since}&limit=200`, { token: this.token });
      await this.db.applyPull(page);
      since = page.next;
      this.onChange({ ...this.state, pulled: page.entries.length });
      if (!page.has_more) return;
    }
  }

  /** A timer while work is pending (backing off after failures) or a slow idle pull. */
  plan() {
    if (this.stopped) return;
    const delay = this.failures ? backoffDelay(this.failures)
      : this.state.pending ? 5000 : IDLE_CHECK_MS;
    this.state.nextAttemptInMs = delay;
    this.timer = setTimeout(() => this.sync(), delay);
  }

  set(patch) {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }
}

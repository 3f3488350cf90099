// The sync engine (no DOM): push the outbox in batches, then pull until has_more is false.
import { ApiError, apiFetch } from './api.js';
import { backoffDelay, pushBody, refusalAttention, refusedWhole } from './outbox.js';

const IDLE_CHECK_MS = 60000;
const BATCH = 100;

/** Runs sync cycles for one signed-in user; one runner across tabs via navigator.locks. */
export class SyncEngine {
  constructor({ db, token, userId, deviceId, onChange = () => {}, fetcher = apiFetch, now = Date.now }) {
    Object.assign(this, { db, token, userId, deviceId, onChange, fetcher, now });
    this.state = { status: 'idle', pending: 0, lastSyncedAt: null };
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
    this.set({ status: 'syncing', ...(await this.counts()) });
    try {
      await this.push();
      await this.pull();
      await this.reconcile();
      this.failures = 0;
      this.retryAfterMs = 0;
      this.set({ status: 'idle', lastSyncedAt: new Date().toISOString() });
    } catch (error) {
      if (!(error instanceof ApiError)) console.error('Sync failed', error);
      if (error.status === 401) {
        this.set({ status: 'signin' });
        this.stop();
      } else {
        this.failures += 1;
        this.retryAfterMs = (error.retryAfter || 0) * 1000; // the server said when: not sooner
        this.set({ status: error instanceof ApiError && error.status === 0 ? 'offline' : 'error' });
      }
    }
    this.set(await this.counts());
    this.plan();
  }

  /** {pending, attention}: entries waiting to sync, and entries refused or in conflict. */
  async counts() {
    const { pending, attention } = await this.db.stateCounts();
    return { pending, attention };
  }

  /**
   * Push until the outbox is empty. A batch refused whole (a 4xx such as 422 or 413) is split in
   * halves to find the op(s) at fault; an op refused on its own is held on the device as "needs
   * attention" with the server's message, and the others go on. Every request either settles
   * ops or halves the batch, so this ends; no op is ever dropped.
   */
  async push() {
    let limit = BATCH;
    for (;;) {
      const batch = await this.db.takeBatch(limit);
      if (!batch.length) return;
      let answer;
      try {
        answer = await this.fetcher('/sync/push', {
          method: 'POST', token: this.token, body: pushBody(this.deviceId, batch),
        });
      } catch (error) {
        if (!(error instanceof ApiError) || !refusedWhole(error.status)) throw error;
        if (batch.length > 1) {
          limit = Math.ceil(batch.length / 2);
        } else {
          await this.db.holdOp(batch[0], refusalAttention(error.status, error.body));
          limit = 2; // grow back as batches go through
          this.set(await this.counts());
        }
        continue;
      }
      await this.db.applyResults(batch, answer.results);
      limit = Math.min(BATCH, limit * 2);
      this.set(await this.counts());
    }
  }

  /**
   * Pull until has_more is false. A `reset` answer (the cursor is ahead of the server, which was
   * restored from a backup) starts again from 0; after any pull from 0, what the device holds as
   * synced but the server did not return is queued again and pushed (the outbox is kept).
   */
  async pull(from = null) {
    let since = from ?? ((await this.db.getMeta('cursor')) || 0);
    let seen = since === 0 ? new Set() : null;
    for (;;) {
      const page = await this.fetcher(`/sync/pull?since=${since}&limit=200`, { token: this.token });
      if (page.reset) {
        this.resets = (this.resets || 0) + 1;
        since = 0;
        seen = new Set();
        continue;
      }
      await this.db.applyPull(page, seen);
      since = page.next;
      this.onChange({ ...this.state, pulled: page.entries.length });
      if (!page.has_more) break;
    }
    if (seen && (await this.db.requeueMissing(seen))) await this.push();
  }

  /**
   * Compare the server's count and last seq with the device's copy; when they differ (a wiped
   * or partial local database, a change missed), pull everything again once. Only compared
   * when nothing is waiting or refused, so the device's own unsent work never triggers it.
   * If the counts still differ after a full pull, the next full pull waits, doubling from 2 s
   * to 5 minutes, so a count that never agrees cannot pull the whole logbook every minute.
   */
  async reconcile() {
    const status = await this.fetcher('/sync/status', { token: this.token });
    const { pending, attention, synced } = await this.db.stateCounts();
    const cursor = (await this.db.getMeta('cursor')) || 0;
    this.lastStatus = status;
    const differs = !pending && !attention && synced !== status.count;
    if (!differs) this.repairStreak = 0;
    if (differs && this.now() >= (this.nextRepairAt || 0)) {
      this.repairs = (this.repairs || 0) + 1;
      this.repairStreak = (this.repairStreak || 0) + 1;
      this.nextRepairAt = this.now() + backoffDelay(this.repairStreak);
      await this.pull(0);
    } else if (cursor !== status.last_seq) {
      await this.pull(); // a change landed meanwhile (or the server went back: reset answers)
    }
  }

  /** A timer while work is pending (backing off after failures) or a slow idle pull. */
  plan() {
    if (this.stopped) return;
    this.timer = setTimeout(() => this.sync(), this.nextDelay());
  }

  /** Milliseconds to the next cycle: after a failure the backoff, or the server's Retry-After
   * if that is longer; 5 s while work is pending; else the idle check. */
  nextDelay() {
    if (this.failures) return Math.max(backoffDelay(this.failures), this.retryAfterMs || 0);
    return this.state.pending ? 5000 : IDLE_CHECK_MS;
  }

  set(patch) {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }
}

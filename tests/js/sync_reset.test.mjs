// node --test: a cursor ahead of the server starts the pull again from 0; reconciliation re-pulls.
import assert from 'node:assert/strict';
import test from 'node:test';

import { entryState, refusedRecord } from '../../pwa/js/outbox.js';
import { SyncEngine } from '../../pwa/js/sync.js';

/** A device copy that records what the engine asked of it (no outbox: nothing to push). */
function device(cursor, synced) {
  const calls = { pulls: [], requeued: [] };
  return {
    calls,
    async takeBatch() { return []; },
    async stateCounts() { return { pending: 0, attention: 0, synced }; },
    async getMeta() { return cursor; },
    async applyPull(page, seen) {
      for (const e of page.entries) seen?.add(e.id);
      cursor = page.next;
    },
    async requeueMissing(seen) { calls.requeued.push([...seen]); return 0; },
  };
}

function server(lastSeq, ids) {
  const asked = [];
  const fetcher = async (path) => {
    asked.push(path);
    if (path === '/sync/status') return { count: ids.length, last_seq: lastSeq };
    const since = Number(new URL(path, 'http://x').searchParams.get('since'));
    if (since > lastSeq) return { entries: [], comments: [], next: lastSeq, has_more: false, reset: true };
    const entries = since === 0 ? ids.map((id, i) => ({ id, seq: i + 1 })) : [];
    return { entries, comments: [], next: lastSeq, has_more: false };
  };
  return { asked, fetcher };
}

test('a reset answer pulls again from 0 and checks what the server no longer has', async () => {
  const db = device(57, 2);
  const { asked, fetcher } = server(2, ['a', 'b']);
  const engine = new SyncEngine({ db, token: 't', userId: 1, deviceId: 'd', fetcher });
  await engine.sync();
  engine.stop();
  const pulls = asked.filter((p) => p.startsWith('/sync/pull'));
  assert.deepEqual(pulls, ['/sync/pull?since=57&limit=200', '/sync/pull?since=0&limit=200']);
  assert.deepEqual(db.calls.requeued, [['a', 'b']]);
  assert.equal(engine.resets, 1);
  assert.equal(engine.state.status, 'idle');
});

test('a device whose count differs from the server status pulls everything again', async () => {
  const db = device(2, 0); // the cursor survived but the entries did not
  const { asked, fetcher } = server(2, ['a', 'b']);
  const engine = new SyncEngine({ db, token: 't', userId: 1, deviceId: 'd', fetcher });
  await engine.sync();
  engine.stop();
  assert.deepEqual(asked.filter((p) => p.startsWith('/sync/pull')),
    ['/sync/pull?since=2&limit=200', '/sync/pull?since=0&limit=200']);
  assert.equal(engine.repairs, 1);
});

test('a count that still differs after a full pull waits longer before the next one', async (t) => {
  const db = device(2, 1); // one entry the server counts never arrives on the device
  const { asked, fetcher } = server(2, ['a', 'b']);
  let clock = 1_000_000;
  const engine = new SyncEngine({ db, token: 't', userId: 1, deviceId: 'd', fetcher, now: () => clock });
  t.after(() => engine.stop()); // no idle timer left behind, even when an assertion fails
  const fullPulls = () => asked.filter((p) => p === '/sync/pull?since=0&limit=200').length;
  await engine.sync();
  assert.equal(fullPulls(), 1);
  await engine.sync(); // at once: still differing, but the next full pull waits (2 s +-20%)
  assert.equal(fullPulls(), 1);
  clock += 2500;
  await engine.sync();
  assert.equal(fullPulls(), 2);
  clock += 3000; // the wait has doubled to 4 s (+-20%)
  await engine.sync();
  assert.equal(fullPulls(), 2);
  clock += 2000;
  await engine.sync();
  assert.equal(fullPulls(), 3);
  assert.equal(engine.repairs, 3);
});

test('a device that agrees with the server does not pull again', async () => {
  const db = device(2, 2);
  const { asked, fetcher } = server(2, ['a', 'b']);
  const engine = new SyncEngine({ db, token: 't', userId: 1, deviceId: 'd', fetcher });
  await engine.sync();
  engine.stop();
  assert.equal(asked.filter((p) => p.startsWith('/sync/pull')).length, 1);
  assert.equal(engine.repairs, undefined);
});

test('a refused delete leaves the entry showing', () => {
  assert.equal(refusedRecord({ kind: 'delete' }, { id: 'a', deleted: true }).deleted, false);
  assert.equal(refusedRecord({ kind: 'upsert' }, { id: 'a', deleted: false }).deleted, false);
});

test('each entry has exactly one state, attention first', () => {
  const synced = { version: 2, updated_at: '2026-03-14T10:20:00Z' };
  assert.equal(entryState({ ...synced, _attention: { message: 'x' }, _pending: true }).key, 'attention');
  assert.equal(entryState({ ...synced, _conflict: {} }).key, 'attention');
  assert.equal(entryState({ _pending: true }).key, 'phone');
  assert.equal(entryState(synced, { comments: 1 }).key, 'tutor');
  const server = entryState(synced);
  assert.equal(server.label, 'On the server');
  assert.match(server.detail, /2026-03-14 10:20 UTC, version 2/);
});

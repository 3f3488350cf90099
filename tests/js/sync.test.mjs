// node --test: the sync engine splits a batch refused whole, holds only the op at fault, never loops.
import assert from 'node:assert/strict';
import test from 'node:test';

import { ApiError } from '../../pwa/js/api.js';
import { pickBatch, refusalAttention, refusedWhole } from '../../pwa/js/outbox.js';
import { SyncEngine } from '../../pwa/js/sync.js';

/** An in-memory stand-in for UserDb with the verbs the engine uses. */
function memoryDb(count) {
  const ops = Array.from({ length: count }, (_, i) => ({
    n: i + 1, op_id: `op${i}`, entry_id: `e${i}`, kind: 'upsert', sent: false,
    entry: { id: `e${i}`, scanned_on: '2026-03-14', region: 'knee', notes: `n${i}` } }));
  const entries = {};
  return {
    ops, entries,
    async takeBatch(limit) {
      const batch = pickBatch(ops, entries, limit);
      for (const op of batch) Object.assign(ops.find((o) => o.n === op.n), op);
      return batch;
    },
    async applyResults(batch) {
      for (const op of batch) ops.splice(ops.findIndex((o) => o.n === op.n), 1);
    },
    async holdOp(op, attention) {
      ops.find((o) => o.n === op.n).held = true;
      entries[op.entry_id] = { ...op.entry, _attention: attention };
    },
    async stateCounts() {
      const held = ops.filter((o) => o.held).length;
      return { pending: ops.length - held, attention: held, synced: 0 };
    },
    async requeueMissing() { return 0; },
    async getMeta() { return 0; },
    async applyPull() {},
  };
}

function refusingServer(badNotes, status = 422) {
  const pushes = [];
  const fetcher = async (path, { body } = {}) => {
    if (path.startsWith('/sync/pull')) return { entries: [], comments: [], next: 0, has_more: false };
    if (path === '/sync/status') return { count: 0, last_seq: 0 };
    pushes.push(body.ops.map((o) => o.entry.notes));
    if (body.ops.some((o) => badNotes.includes(o.entry.notes))) {
      throw new ApiError(status, { code: status, message: 'Invalid entry.', errors: { 'ops.0.entry.notes': ['Too long.'] } });
    }
    return { results: body.ops.map(() => ({ status: 'applied', entry: null })) };
  };
  return { pushes, fetcher };
}

test('a batch refused whole is split; only the op at fault is held, the rest are sent', async () => {
  const db = memoryDb(3);
  const { pushes, fetcher } = refusingServer(['n1']);
  const engine = new SyncEngine({ db, token: 't', userId: 1, deviceId: 'd', fetcher });
  const state = await engine.sync();
  engine.stop();
  assert.deepEqual(pushes, [['n0', 'n1', 'n2'], ['n0', 'n1'], ['n0'], ['n1', 'n2'], ['n1'], ['n2']]);
  assert.deepEqual(db.ops.map((o) => [o.op_id, Boolean(o.held)]), [['op1', true]]);
  assert.match(db.entries.e1._attention.message, /Invalid entry\. Too long\./);
  assert.equal(state.pending, 0);
  assert.equal(state.attention, 1);
  assert.equal(state.status, 'idle');
});

test('a batch of 100 with every op refused ends, and keeps every op', async () => {
  const db = memoryDb(100);
  const { pushes, fetcher } = refusingServer(Array.from({ length: 100 }, (_, i) => `n${i}`), 413);
  const engine = new SyncEngine({ db, token: 't', userId: 1, deviceId: 'd', fetcher });
  const state = await engine.sync();
  engine.stop();
  assert.equal(db.ops.length, 100);
  assert.ok(db.ops.every((o) => o.held));
  assert.equal(state.attention, 100);
  assert.ok(pushes.length <= 250, `${pushes.length} pushes`);
});

test('which whole-batch answers split the batch', () => {
  for (const status of [400, 403, 413, 422]) assert.equal(refusedWhole(status), true, status);
  for (const status of [0, 401, 408, 429, 500, 503]) assert.equal(refusedWhole(status), false, status);
});

test('the attention note carries the server message, or the status when it said nothing', () => {
  assert.match(refusalAttention(422, { message: 'Invalid entry.' }).message, /refused this entry\. It said: Invalid entry\./);
  assert.match(refusalAttention(413, null).message, /too large\. \(HTTP 413\)/);
});

test('a held op and later ops of its entry are left out of a batch', () => {
  const ops = [
    { n: 1, op_id: 'a1', entry_id: 'a', sent: true, held: true },
    { n: 2, op_id: 'a2', entry_id: 'a', sent: false },
    { n: 3, op_id: 'b1', entry_id: 'b', sent: false },
  ];
  assert.deepEqual(pickBatch(ops, {}).map((o) => o.op_id), ['b1']);
});

test('a 503 keeps the batch and waits at least the Retry-After the server gave', async (t) => {
  const db = memoryDb(2);
  let busy = true;
  const fetcher = async (path, { body } = {}) => {
    if (busy && path === '/sync/push') throw new ApiError(503, { code: 503, message: 'The server is busy.' }, 30);
    if (path.startsWith('/sync/pull')) return { entries: [], comments: [], next: 0, has_more: false };
    if (path === '/sync/status') return { count: 0, last_seq: 0 };
    return { results: body.ops.map(() => ({ status: 'applied', entry: null })) };
  };
  const engine = new SyncEngine({ db, token: 't', userId: 1, deviceId: 'd', fetcher });
  t.after(() => engine.stop());
  const state = await engine.sync();
  assert.equal(state.status, 'error');
  assert.equal(db.ops.length, 2); // kept, not split, not held
  assert.ok(db.ops.every((o) => !o.held));
  assert.ok(engine.nextDelay() >= 30000, `${engine.nextDelay()} ms`);
  busy = false;
  assert.equal((await engine.sync()).status, 'idle');
  assert.equal(db.ops.length, 0);
  assert.equal(engine.retryAfterMs, 0); // back to the usual rhythm
});

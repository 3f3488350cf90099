// node --test: the outbox rules (batching, answers, pulls, backoff).
import assert from 'node:assert/strict';
import test from 'node:test';

import { applyAnswer, backoffDelay, mayReplace, pickBatch, pushBody } from '../../pwa/js/outbox.js';

const op = (n, entryId, extra = {}) => ({ n, op_id: `op${n}`, entry_id: entryId, kind: 'upsert',
  entry: { id: entryId, scanned_on: '2026-03-14', region: 'knee', notes: `v${n}` }, sent: false, ...extra });

test('a batch takes one op per entry, in order, at most the limit', () => {
  const ops = [op(3, 'b'), op(1, 'a'), op(2, 'a'), op(4, 'c')];
  const batch = pickBatch(ops, { a: { version: 2 } }, 2);
  assert.deepEqual(batch.map((o) => o.op_id), ['op1', 'op3']);
  assert.equal(batch[0].base_version, 2);
  assert.equal(batch[1].base_version, 0);
  assert.ok(batch.every((o) => o.sent));
});

test('an op already sent keeps its base version when sent again', () => {
  const [again] = pickBatch([op(1, 'a', { sent: true, base_version: 1 })], { a: { version: 5 } });
  assert.equal(again.base_version, 1);
});

test('the push body strips local fields', () => {
  const body = pushBody('dev', pickBatch([op(1, 'a')], {}));
  assert.equal(body.device_id, 'dev');
  assert.deepEqual(Object.keys(body.ops[0]).sort(), ['base_version', 'entry', 'entry_id', 'kind', 'op_id']);
  assert.equal(body.ops[0].entry.version, undefined);
});

test('applied takes the server copy, unless newer edits are queued', () => {
  const server = { id: 'a', notes: 'v1', version: 1, seq: 5 };
  const local = { id: 'a', notes: 'v2', _pending: true };
  assert.deepEqual(applyAnswer(op(1, 'a'), { status: 'applied', entry: server }, local, []).record,
    { ...server, _pending: false });
  const kept = applyAnswer(op(1, 'a'), { status: 'duplicate', entry: server }, local, [op(2, 'a')]).record;
  assert.equal(kept.notes, 'v2');
  assert.equal(kept.version, 1);
});

test('a conflict keeps both versions and folds in queued edits', () => {
  const server = { id: 'a', notes: 'theirs', version: 3 };
  const { record, dropLater } = applyAnswer(op(1, 'a'), { status: 'conflict', entry: server }, {}, [op(2, 'a')]);
  assert.equal(record.notes, 'theirs');
  assert.equal(record._conflict.entry.notes, 'v2');
  assert.equal(dropLater, true);
});

test('an edit of an entry the server no longer has goes again as a new entry, newest text', () => {
  const local = { id: 'a', notes: 'v1', version: 3 };
  const lost = { status: 'conflict', entry: null };
  const { record, dropLater, requeue } = applyAnswer(op(1, 'a'), lost, local, [op(2, 'a')]);
  assert.equal(record.notes, 'v2');
  assert.equal(record.version, 0); // so the next push sends base_version 0: a create
  assert.equal(record._pending, true);
  assert.equal(record._conflict, undefined);
  assert.ok(dropLater && requeue);
  const [again] = pickBatch([{ ...op(3, 'a'), entry: record }], { a: record });
  assert.equal(again.base_version, 0);
  const deleted = applyAnswer(op(1, 'a'), lost, local, [op(2, 'a', { kind: 'delete' })]);
  assert.equal(deleted.requeue, undefined); // deleted meanwhile: nothing to send again
  assert.equal(deleted.record._pending, false);
});

test('a rejected entry stays on the device with the reasons', () => {
  const local = { id: 'a', notes: 'DOB 1/1/70' };
  const answer = { status: 'rejected', errors: { notes: ['Looks like a date of birth.'] } };
  const { record } = applyAnswer(op(1, 'a'), answer, local, []);
  assert.equal(record.notes, 'DOB 1/1/70');
  assert.deepEqual(record._attention.errors, answer.errors);
});

test('a pulled change never replaces a queued, conflicting or flagged entry', () => {
  assert.equal(mayReplace({ id: 'a' }, true), false);
  assert.equal(mayReplace({ id: 'a', _conflict: {} }, false), false);
  assert.equal(mayReplace({ id: 'a', _attention: {} }, false), false);
  assert.equal(mayReplace(undefined, false), true);
});

test('backoff doubles from about 2 s and stops at 5 minutes', () => {
  const mid = () => 0.5;
  assert.equal(backoffDelay(1, mid), 2000);
  assert.equal(backoffDelay(3, mid), 8000);
  assert.equal(backoffDelay(30, mid), 300000);
});

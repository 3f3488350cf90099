// node --test: entry defaults, validation, "repeat last" and the CSV export.
import assert from 'node:assert/strict';
import test from 'node:test';

import {
  addDays, blankEntry, displayDate, entriesToCsv, repeatEntry, toPayload, validateEntry,
} from '../../pwa/js/entry.js';

const last = {
  id: 'a', scanned_on: '2026-03-01', region: 'knee', side: 'left', activity: 'injection',
  supervision: 'indirect', clinical_question: 'effusion?', notes: 'n', critical_incident: true,
  version: 4, seq: 9, _pending: true,
};

test('a blank entry is for today and remembers activity and supervision', () => {
  const entry = blankEntry('2026-03-14', last);
  assert.equal(entry.scanned_on, '2026-03-14');
  assert.equal(entry.region, '');
  assert.equal(entry.activity, 'injection');
  assert.equal(entry.supervision, 'indirect');
  assert.notEqual(entry.id, last.id);
});

test('repeat last copies the choices but not the prompts', () => {
  const entry = repeatEntry(last, '2026-03-14');
  assert.equal(entry.region, 'knee');
  assert.equal(entry.side, 'left');
  assert.equal(entry.clinical_question, '');
  assert.equal(entry.critical_incident, false);
  assert.deepEqual(validateEntry(entry, '2026-03-14'), {});
});

test('validation names each missing choice and a future date', () => {
  const errors = validateEntry(blankEntry(addDays('2026-03-14', 2)), '2026-03-14');
  assert.deepEqual(Object.keys(errors).sort(), ['activity', 'region', 'scanned_on', 'side', 'supervision']);
  assert.match(errors.scanned_on[0], /future/);
});

test('tomorrow is allowed (time zones), prompts are limited to 500 characters', () => {
  const entry = { ...repeatEntry(last, '2026-03-15'), technical_issues: 'x'.repeat(501) };
  assert.deepEqual(Object.keys(validateEntry(entry, '2026-03-14')), ['technical_issues']);
});

test('the payload has only the fields a device may send', () => {
  const payload = toPayload(last);
  assert.equal(payload.version, undefined);
  assert.equal(payload._pending, undefined);
  assert.equal(payload.technical_issues, '');
  assert.equal(payload.critical_incident, true);
});

test('dates read as "14 Mar 2026" and month ends roll over', () => {
  assert.equal(displayDate('2026-03-14'), '14 Mar 2026');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
});

test('the CSV export quotes commas and defuses formulas', () => {
  const csv = entriesToCsv([{ ...last, notes: 'a, "b"', findings: '=SUM(A1)' }]);
  const [header, row] = csv.trim().split('\r\n');
  assert.ok(header.startsWith('id,scanned_on,region'));
  assert.ok(row.includes('"a, ""b"""'));
  assert.ok(row.includes("'=SUM(A1)"));
});

// node --test: the patient-identifier screen of free text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import {
  blockingFindings, findIdentifiers, highConfidence, identifierWarning, isNhsNumber, removeIdentifier,
} from '../../pwa/js/identifiers.js';

const kinds = (text) => findIdentifiers(text).map((f) => f.kind);

test('a valid NHS number is spotted with or without spaces', () => {
  assert.equal(isNhsNumber('9434765919'), true);
  assert.deepEqual(kinds('pt 943 476 5919 seen'), ['nhs_number']);
  assert.deepEqual(kinds('943-476-5919'), ['nhs_number']);
});

test('ten digits failing the check only warn (low confidence)', () => {
  assert.equal(isNhsNumber('9434765918'), false);
  assert.deepEqual(findIdentifiers('9434765918').map((f) => f.confidence), ['low']);
});

test('dates of birth, postcodes and hospital numbers are spotted', () => {
  assert.deepEqual(kinds('DOB 12/03/1961'), ['date_of_birth']);
  assert.deepEqual(kinds('born 1/2/61'), ['date_of_birth']);
  assert.deepEqual(kinds('lives near LS1 4AP'), ['postcode']);
  assert.deepEqual(kinds('MRN: A1234567'), ['hospital_number']);
  assert.deepEqual(kinds('hospital number 00123456'), ['hospital_number']);
});

test('clinical note text stays clean', () => {
  for (const text of ['Supraspinatus partial tear 8 mm, 2 cm from footprint', 'L4 nerve root?',
    'grade 2 synovitis, 3 injections so far', '', 'effusion 12mm']) {
    assert.deepEqual(findIdentifiers(text), [], text);
    assert.equal(identifierWarning(text), '');
  }
});

test('the warning tells the user what to do', () => {
  assert.match(identifierWarning('DOB 01/01/1970'), /date of birth.*Remove anything/);
});

// The shared cases (tests/data/identifiers.json), also run by pytest against the server.
const { cases } = JSON.parse(readFileSync(new URL('../data/identifiers.json', import.meta.url), 'utf8'));

test('every shared case gives the kinds, offsets and confidence it lists', () => {
  assert.ok(cases.length >= 200);
  for (const c of cases) {
    const got = findIdentifiers(c.text).map(({ kind, start, end, confidence }) => ({ kind, start, end, confidence }));
    assert.deepEqual(got, c.expect, c.text);
  }
});

test('reasons and messages never repeat the identifier', () => {
  for (const c of cases.filter((x) => x.expect.length)) {
    for (const f of findIdentifiers(c.text)) {
      const matched = c.text.slice(f.start, f.end);
      assert.ok(f.reason && !f.reason.includes(matched) && !f.message.includes(matched), c.text);
    }
  }
});

test('high confidence blocks Save, low confidence only warns', () => {
  const text = 'Dr Khan reviewed, MRN 1234567';
  assert.deepEqual(findIdentifiers(text).map(highConfidence), [false, true]);
  assert.deepEqual(blockingFindings(text).map((f) => f.kind), ['hospital_number']);
  assert.deepEqual(blockingFindings('Dr Khan reviewed'), []);
  assert.match(identifierWarning('Dr Khan reviewed'), /name/);
});

test('one tap removes a finding and tidies the spaces', () => {
  const text = 'Pt NHS 943 476 5919, review';
  const [finding] = findIdentifiers(text);
  assert.equal(removeIdentifier(text, finding), 'Pt NHS, review');
  const name = 'Mrs Patel R shoulder';
  assert.equal(removeIdentifier(name, findIdentifiers(name)[0]), 'Mrs R shoulder');
});

test('offsets index the text as typed, through zero-width and non-breaking spaces', () => {
  const text = 'Seen.\u200b NHS 943\u200b476\u00a0\u00a05919 ok';
  const [f] = findIdentifiers(text);
  assert.equal(text.slice(f.start, f.end), '943\u200b476\u00a0\u00a05919');
});

test('no look-behind and no d flag, so older Safari loads the module', () => {
  const source = readFileSync(new URL('../../pwa/js/identifiers.js', import.meta.url), 'utf8');
  assert.ok(!/\(\?<[!=]/.test(source), 'look-behind: Safari before 16.4 cannot parse it');
  assert.ok(!/\/[gimsuy]*d[gimsuy]*;|'[gimsuy]*d[gimsuy]*'\)/.test(source), 'the d flag needs Safari 15');
});

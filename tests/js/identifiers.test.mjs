// node --test: the patient-identifier screen of free text.
import assert from 'node:assert/strict';
import test from 'node:test';

import { findIdentifiers, identifierWarning, isNhsNumber } from '../../pwa/js/identifiers.js';

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

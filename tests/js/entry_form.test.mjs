// node --test: the entry form's pure parts: chips that toggle, the newest entry, dates outside
// the logbook years, short labels kept over the server's, favourites made from an entry.
import assert from 'node:assert/strict';
import test from 'node:test';

import { chipsIn, hasChip, newestEntry, outsideYearsQuestion, toggleChip } from '../../pwa/js/entry.js';
import { DEFAULT_VOCABULARY, mergeVocabulary } from '../../pwa/js/vocab.js';
import { favouriteName, favouriteOf } from '../../pwa/js/ui/favourites.js';

test('a chip tapped twice is removed, whatever else was typed', () => {
  assert.equal(toggleChip('', 'effusion'), 'effusion');
  assert.equal(toggleChip('effusion', 'synovitis'), 'effusion, synovitis');
  assert.equal(toggleChip('effusion, synovitis', 'effusion'), 'synovitis');
  assert.equal(toggleChip(toggleChip('small joint', 'effusion'), 'effusion'), 'small joint');
  assert.equal(toggleChip('Effusion', 'effusion'), '');
  assert.ok(hasChip('small, effusion ', 'effusion'));
  assert.ok(!hasChip('effusions', 'effusion'));
  assert.deepEqual(chipsIn('synovitis, my words, effusion', ['effusion', 'synovitis']), ['synovitis', 'effusion']);
});

test('the newest entry is the latest saved here, else the latest the server changed', () => {
  const pulled = [
    { id: 'a', scanned_on: '2026-03-02', updated_at: '2026-03-02T09:00:00Z', activity: 'diagnostic' },
    { id: 'b', scanned_on: '2026-03-01', updated_at: '2026-03-03T09:00:00Z', activity: 'injection' },
    { id: 'c', scanned_on: '2026-03-04', updated_at: '2026-03-05T09:00:00Z', deleted: true },
  ];
  assert.equal(newestEntry(pulled).id, 'b');
  const saved = { id: 'd', scanned_on: '2026-01-01', _touched: Date.parse('2026-03-04T00:00:00Z') };
  assert.equal(newestEntry([...pulled, saved]).id, 'd');
  assert.equal(newestEntry([]), undefined);
});

test('a date outside every logbook year gets one question naming the boundary', () => {
  const logbook = { pgcert_completed_on: '2025-09-01', registration_ends_on: '2028-08-31' };
  assert.equal(outsideYearsQuestion('2016-03-01', logbook),
    'This scan is before your logbook year 1 starts (1 Sep 2025): it will not count. Save anyway?');
  assert.equal(outsideYearsQuestion('2028-09-01', logbook),
    'This scan is after your registration ends (31 Aug 2028): it will not count. Save anyway?');
  assert.equal(outsideYearsQuestion('2025-09-01', logbook), '');
  assert.equal(outsideYearsQuestion('2028-08-31', logbook), '');
  assert.equal(outsideYearsQuestion('2016-03-01', null), '');
  assert.equal(outsideYearsQuestion('2016-03-01', { pgcert_completed_on: null, registration_ends_on: null }), '');
});

test("the server's long labels never replace the short ones on the buttons", () => {
  const server = {
    activities: [{ code: 'diagnostic', label: 'Diagnostic scan' }, { code: 'injection', label: 'Ultrasound-guided injection' },
      { code: 'diagnostic_injection', label: 'Diagnostic scan with injection' }, { code: 'aspiration', label: 'Aspiration' }],
    regions: [{ code: 'knee', label: 'Knee' }],
    findings: [{ code: 'partial_tear', label: 'Partial tear' }],
  };
  const merged = mergeVocabulary(server);
  assert.deepEqual(merged.activities.map((a) => a.label), ['Diagnostic', 'Injection', 'Diagnostic + injection', 'Aspiration']);
  assert.equal(merged.activities[0].description, 'Diagnostic scan');
  assert.equal(merged.regions.length, DEFAULT_VOCABULARY.regions.length);
  assert.equal(merged.regions.find((r) => r.code === 'knee').description, undefined);
  assert.equal(merged.findings.find((f) => f.code === 'partial_tear').label, 'partial tear');
  assert.deepEqual(mergeVocabulary(mergeVocabulary(server)).activities.map((a) => a.label), merged.activities.map((a) => a.label));
  assert.ok(merged.clinical_questions.length > 0);
});

test('a favourite keeps the choices and the chips, and is named by its short labels', () => {
  const entry = { region: 'knee', side: 'left', activity: 'injection', supervision: 'direct',
    findings: 'effusion, my own words', clinical_question: 'pain', notes: 'effusion' };
  const favourite = favouriteOf(entry, DEFAULT_VOCABULARY);
  assert.deepEqual(favourite, { region: 'knee', side: 'left', activity: 'injection', supervision: 'direct',
    chips: { findings: ['effusion'], clinical_question: ['pain'] } });
  assert.equal(favouriteName(favourite, DEFAULT_VOCABULARY), 'Knee, Left, Injection, Direct, pain, effusion');
});

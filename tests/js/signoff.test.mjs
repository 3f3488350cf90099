// The phone's sign-off words from GET /progress periods (pure functions of progress_view.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signoffWords, tutorSeesWords } from '../../pwa/js/ui/progress_view.js';

const period = (extra) => ({
  number: 1, status: 'at_risk', count: 112, target: 300, ends_on: '2027-03-31',
  submission_opens_on: '2027-03-03', projected_count: 250, submission: null, ...extra,
});
const submission = (extra) => ({
  status: 'submitted', submitted_at: '2027-03-10T09:00:00Z', decided_at: null, comment: '',
  sample: { size: 10, checked: 9, queried: 1, resolved: 0 }, ...extra,
});

test('before the window the phone says when the year can be submitted', () => {
  const words = signoffWords(period(), '2026-12-02');
  assert.equal(words.detail, 'Year 1 can be submitted from 3 Mar 2027.');
  assert.equal(words.attention, false);
});

test('an open query needs attention; once fixed the year waits calmly', () => {
  const open = signoffWords(period({ submission: submission() }), '2027-03-12');
  assert.match(open.detail, /^1 query from your tutor to answer/);
  assert.equal(open.attention, true);
  const fixed = signoffWords(period({ submission: submission({ sample: { size: 10, checked: 9, queried: 1, resolved: 1 } }) }), '2027-03-12');
  assert.equal(fixed.attention, false);
  assert.match(fixed.detail, /waiting for your tutor's sign-off/);
});

test('a signed-off year and a returned one say so, with the comment', () => {
  const signed = signoffWords(period({ submission: submission({ status: 'signed_off', comment: 'Well kept.' }) }), '2027-04-01');
  assert.deepEqual([signed.title, signed.detail], ['Year 1 signed off', 'Your tutor said: Well kept.']);
  const back = signoffWords(period({ submission: submission({ status: 'returned', comment: 'Add March.' }) }), '2027-04-01');
  assert.equal(back.title, 'Year 1 returned for changes');
  assert.match(back.detail, /Add March\./);
});

test('the phone shows what the tutor sees: status and projection in words', () => {
  const words = tutorSeesWords({ current_period: 1, periods: [period()] });
  assert.equal(words, 'Your tutor sees year 1 as at risk: 112 of 300, about 250 by 31 Mar 2027 at this pace.');
});

// The shared progress cases (tests/data/progress_cases.json), also run by pytest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  addYears, computeProgress, focusPeriod, formatDate, paceSentence, skillFadeNudge,
} from '../../pwa/js/progress.js';

const { cases } = JSON.parse(readFileSync(new URL('../data/progress_cases.json', import.meta.url)));

function expand(entries) {
  return entries.flatMap((e, i) => Array.from({ length: e.n ?? 1 }, (_, k) => ({ id: `${i}-${k}`, ...e })));
}

function assertMatches(actual, expected, path = 'result') {
  if (expected && typeof expected === 'object' && !Array.isArray(expected) && /(by_region|by_activity|shortfalls)$/.test(path)) {
    assert.deepEqual(actual, expected, path);
  } else if (Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertMatches(actual[i], e, `${path}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected)) {
      assert.ok(k in actual, `${path}.${k} missing`);
      assertMatches(actual[k], v, `${path}.${k}`);
    }
  } else {
    assert.equal(actual, expected, path);
  }
}

for (const c of cases) {
  test(c.name, () => {
    assertMatches(computeProgress(expand(c.entries), c.logbook, c.today, c.options ?? {}), c.expect);
  });
}

test('29 February plus a year is 28 February, plus four years is 29 February', () => {
  assert.equal(addYears('2024-02-29', 1), '2025-02-28');
  assert.equal(addYears('2024-02-29', 4), '2028-02-29');
});

// The progress screen's headline and sentence (ui/progress_view.js): focusPeriod and paceSentence.
function summary(entries, logbook, today) {
  const progress = computeProgress(entries, logbook, today);
  const p = focusPeriod(progress);
  if (!p) return { count: 0, target: progress.annual_target, status: null, sentence: progress.message };
  return { count: p.count, target: p.target, status: p.status, sentence: paceSentence(p) };
}

test('the app summary says how many scans a week reach the target, with a UK date', () => {
  const logbook = { pgcert_completed_on: '2025-09-01', registration_ends_on: '2027-08-31', annual_target: 300 };
  const entries = expand([{ scanned_on: '2025-10-20', region: 'knee', activity: 'diagnostic', n: 60 }]);
  assert.deepEqual(summary(entries, logbook, '2025-10-26'), {
    count: 60, target: 300, status: 'on_track', sentence: '6 scans a week gets you to 300 by 31 Aug 2026.',
  });
  assert.equal(formatDate('2026-03-14'), '14 Mar 2026');
});

test('a gap of 14 days brings the skill-fade nudge; a recent scan does not', () => {
  const logbook = { pgcert_completed_on: '2025-09-01', registration_ends_on: '2027-08-31', annual_target: 300 };
  const entries = [{ id: 'a', scanned_on: '2026-01-01', region: 'knee', activity: 'diagnostic' }];
  assert.match(skillFadeNudge(computeProgress(entries, logbook, '2026-01-15')), /14 days ago/);
  assert.equal(skillFadeNudge(computeProgress(entries, logbook, '2026-01-14')), null);
});

test("the server's skill-fade threshold (logbook.skill_fade_days from /me) drives the nudge", () => {
  const logbook = { pgcert_completed_on: '2025-09-01', registration_ends_on: '2027-08-31', annual_target: 300, skill_fade_days: 5 };
  const entries = [{ id: 'a', scanned_on: '2026-01-01', region: 'knee', activity: 'diagnostic' }];
  assert.match(skillFadeNudge(computeProgress(entries, logbook, '2026-01-06')), /5 days ago/);
  assert.equal(skillFadeNudge(computeProgress(entries, logbook, '2026-01-05')), null);
});

test('a logbook without dates gives its message as the summary sentence', () => {
  const none = summary([], { pgcert_completed_on: null, registration_ends_on: null, annual_target: 300 }, '2026-01-01');
  assert.equal(none.status, null);
  assert.match(none.sentence, /not set yet/);
});

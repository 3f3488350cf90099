// Progress rules for the phone, offline: logbook periods, pace forecast, skill fade, breadth.
// Pure module (no DOM, no clock): the same answers as server/domain (tests/data/progress_cases.json).

export const DEFAULT_SKILL_FADE_DAYS = 14;
export const RECENT_WINDOW_DAYS = 56; // the last 8 weeks
export const DEFAULT_REGIONS = ['shoulder', 'elbow', 'wrist_hand', 'hip_groin', 'knee', 'ankle_foot', 'other'];
export const NO_DATES_MESSAGE =
  'The logbook dates (PgCert completion and registration end) are not set yet. ' +
  'The programme administrator can add them.';

const DAY_MS = 86400000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Day number (days since 1970-01-01) of an ISO date string. */
export function dayNumber(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

/** ISO date string of a day number. */
export function isoDate(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** "14 Mar 2026" from an ISO date. */
export function formatDate(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

function isLeap(y) {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The same calendar date n years later; 29 February becomes 28 February in common years. */
export function addYears(iso, n) {
  const [y, m, d] = iso.split('-').map(Number);
  const year = y + n;
  const day = m === 2 && d === 29 && !isLeap(year) ? 28 : d;
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Logbook periods [{number, starts_on, ends_on, target}] from the PgCert date to the registration end. */
export function logbookPeriods(pgcertCompletedOn, registrationEndsOn, annualTarget) {
  if (!pgcertCompletedOn || !registrationEndsOn) return [];
  const end = dayNumber(registrationEndsOn);
  const periods = [];
  for (let n = 1; dayNumber(addYears(pgcertCompletedOn, n - 1)) <= end; n += 1) {
    const start = dayNumber(addYears(pgcertCompletedOn, n - 1));
    const fullEnd = dayNumber(addYears(pgcertCompletedOn, n)) - 1;
    const last = Math.min(fullEnd, end);
    const fullDays = fullEnd - start + 1;
    const days = last - start + 1;
    // A period cut by the registration end asks for a pro-rata share of the target.
    const target = days === fullDays ? annualTarget : Math.ceil((annualTarget * days) / fullDays);
    periods.push({ number: n, starts_on: isoDate(start), ends_on: isoDate(last), target });
  }
  return periods;
}

/** Pace of one period on `today`: status, projected_count and needed_per_week (current period only). */
export function periodPace(period, count, windowCount, today) {
  const t = dayNumber(today);
  const start = dayNumber(period.starts_on);
  const end = dayNumber(period.ends_on);
  if (t < start) return { status: 'upcoming', projected_count: null, needed_per_week: null };
  if (t > end) {
    return { status: count >= period.target ? 'met' : 'missed', projected_count: null, needed_per_week: null };
  }
  const windowDays = t - Math.max(start, t - RECENT_WINDOW_DAYS + 1) + 1;
  const daysAfter = end - t;
  // Round half up with integers only, so Python and JavaScript agree exactly.
  const projected = count + Math.floor((2 * windowCount * daysAfter + windowDays) / (2 * windowDays));
  const remaining = Math.max(0, period.target - count);
  const needed = Math.ceil((remaining * 7) / (daysAfter + 1));
  let status = 'at_risk';
  if (count >= period.target) status = 'met';
  else if (projected >= period.target) status = 'on_track';
  return { status, projected_count: projected, needed_per_week: needed };
}

/** The first day of the recent-rate window of a period on `today` (ISO). */
export function recentWindowStart(period, today) {
  const t = dayNumber(today);
  return isoDate(Math.max(dayNumber(period.starts_on), t - RECENT_WINDOW_DAYS + 1));
}

function tally(list, key) {
  const out = {};
  for (const e of list) out[e[key]] = (out[e[key]] || 0) + 1;
  return out;
}

function shortfalls(byRegion, minimum, regions) {
  if (minimum == null) return null;
  const out = {};
  for (const r of regions) {
    const have = byRegion[r] || 0;
    if (have < minimum) out[r] = minimum - have;
  }
  return out;
}

/** Progress of a logbook on `today`, in the shape of GET /api/v1/progress. */
export function computeProgress(entries, logbook, today, options = {}) {
  const fadeDays = options.skill_fade_days ?? logbook?.skill_fade_days ?? DEFAULT_SKILL_FADE_DAYS;
  const minimum = options.region_minimum ?? logbook?.region_minimum ?? null;
  const regions = options.regions ?? DEFAULT_REGIONS;
  const live = (entries || []).filter((e) => !e.deleted);
  const last = live.reduce((acc, e) => (acc === null || e.scanned_on > acc ? e.scanned_on : acc), null);
  const since = last === null ? null : Math.max(0, dayNumber(today) - dayNumber(last));
  const annualTarget = logbook?.annual_target ?? 300;
  const result = {
    annual_target: annualTarget,
    total: live.length,
    last_scanned_on: last,
    days_since_last_scan: since,
    current_period: null,
    skill_fade: { threshold_days: fadeDays, warning: since !== null && since >= fadeDays },
    region_minimum: minimum,
    message: null,
    periods: [],
  };
  const periods = logbookPeriods(logbook?.pgcert_completed_on, logbook?.registration_ends_on, annualTarget);
  if (periods.length === 0) {
    result.message = NO_DATES_MESSAGE;
    return result;
  }
  for (const p of periods) {
    const inside = live.filter((e) => e.scanned_on >= p.starts_on && e.scanned_on <= p.ends_on);
    const windowStart = recentWindowStart(p, today);
    const windowCount = inside.filter((e) => e.scanned_on >= windowStart && e.scanned_on <= today).length;
    const pace = periodPace(p, inside.length, windowCount, today);
    const byRegion = tally(inside, 'region');
    if (today >= p.starts_on && today <= p.ends_on) result.current_period = p.number;
    result.periods.push({
      ...p,
      count: inside.length,
      ...pace,
      by_region: byRegion,
      by_activity: tally(inside, 'activity'),
      region_shortfalls: shortfalls(byRegion, minimum, regions),
    });
  }
  return result;
}

/** The period a summary talks about: the current one, else the next upcoming, else the last. */
export function focusPeriod(progress) {
  const ps = progress.periods;
  if (!ps.length) return null;
  return ps.find((p) => p.number === progress.current_period) ||
    ps.find((p) => p.status === 'upcoming') || ps[ps.length - 1];
}

/** One plain sentence about a period. */
export function paceSentence(period) {
  const by = formatDate(period.ends_on);
  if (period.status === 'upcoming') return `This logbook year starts on ${formatDate(period.starts_on)}.`;
  if (period.status === 'met') return `Target met: ${period.count} of ${period.target} scans.`;
  if (period.status === 'missed') return `This logbook year ended on ${by} with ${period.count} of ${period.target} scans.`;
  const n = period.needed_per_week;
  return `${n} ${n === 1 ? 'scan' : 'scans'} a week gets you to ${period.target} by ${by}.`;
}

/** The skill-fade nudge, or null when the last scan is recent enough. */
export function skillFadeNudge(progress) {
  if (!progress.skill_fade.warning) return null;
  const d = progress.days_since_last_scan;
  return `Your last logged scan was ${d} days ago. Regular scanning keeps your skills fresh: log your next scan today.`;
}

// Entries as the API defines them: the fields, local validation, dates and a CSV export. Pure.

export const PROMPTS = [
  { name: 'clinical_question', label: 'Clinical question' },
  { name: 'technical_issues', label: 'Technical issues' },
  { name: 'findings', label: 'Findings and relevance' },
  { name: 'pathway_role', label: "Role in the patient's pathway" },
  { name: 'notes', label: 'Notes' },
];
export const CHOICES = ['region', 'side', 'activity', 'supervision'];
export const PROMPT_MAX = 500;
export const NOTES_MAX = 2000;
const CLIENT_FIELDS = ['id', 'scanned_on', ...CHOICES, ...PROMPTS.map((p) => p.name), 'critical_incident'];
const CHOICE_MESSAGES = {
  region: 'Choose the region scanned.',
  side: 'Choose a side.',
  activity: 'Choose the activity.',
  supervision: 'Choose the supervision level.',
};

/** A date as YYYY-MM-DD in the device's local time zone. */
export function isoDate(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The ISO date `days` after (or before) an ISO date. */
export function addDays(iso, days) {
  const [y, m, d] = iso.split('-').map(Number);
  return isoDate(new Date(y, m - 1, d + days));
}

/** A date for people: "14 Mar 2026". */
export function displayDate(iso) {
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const [y, m, d] = String(iso).split('-').map(Number);
  return y && m && d ? `${d} ${months[m - 1]} ${y}` : String(iso || '');
}

/** A new random id (UUID v4). */
export function newId() {
  return globalThis.crypto.randomUUID();
}

/** A blank entry for today, keeping activity and supervision from the last one. */
export function blankEntry(today, last) {
  return {
    id: newId(),
    scanned_on: today,
    region: '',
    side: '',
    activity: last?.activity || '',
    supervision: last?.supervision || '',
    ...Object.fromEntries(PROMPTS.map((p) => [p.name, ''])),
    critical_incident: false,
  };
}

/** "Repeat last": everything from the last entry except its prompts, with a new id and today. */
export function repeatEntry(last, today) {
  const entry = blankEntry(today, last);
  for (const field of CHOICES) entry[field] = last?.[field] || '';
  return entry;
}

/** The fields a device may send (server-owned and local fields removed). */
export function toPayload(entry) {
  const payload = {};
  for (const field of CLIENT_FIELDS) payload[field] = entry[field];
  payload.critical_incident = Boolean(entry.critical_incident);
  for (const p of PROMPTS) payload[p.name] = payload[p.name] || '';
  return payload;
}

/** Errors by field ({field: [message]}), empty when the entry can be saved. */
export function validateEntry(entry, today) {
  const errors = {};
  const add = (field, message) => {
    (errors[field] ||= []).push(message);
  };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.scanned_on || '')) add('scanned_on', 'Enter the date of the scan.');
  else if (entry.scanned_on > addDays(today, 1)) add('scanned_on', 'The date cannot be in the future.');
  for (const field of CHOICES) if (!entry[field]) add(field, CHOICE_MESSAGES[field]);
  for (const p of PROMPTS) {
    const max = p.name === 'notes' ? NOTES_MAX : PROMPT_MAX;
    if ((entry[p.name] || '').length > max) add(p.name, `Keep this under ${max} characters.`);
  }
  return errors;
}

function csvCell(value) {
  const text = value === undefined || value === null ? '' : String(value);
  // A leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Entries as CSV text (a header row, then one row per entry). */
export function entriesToCsv(entries) {
  const rows = [CLIENT_FIELDS.map(csvCell).join(',')];
  for (const entry of entries) rows.push(CLIENT_FIELDS.map((f) => csvCell(entry[f])).join(','));
  return `${rows.join('\r\n')}\r\n`;
}

/** The newest entry: the latest saved on this device, else the latest the server changed. */
export function newestEntry(entries) {
  const when = (e) => e._touched || Date.parse(e.updated_at || e.created_at || '') || 0;
  const live = entries.filter((e) => !e.deleted);
  return live.sort((a, b) => when(b) - when(a) || String(b.scanned_on).localeCompare(String(a.scanned_on)))[0];
}

const chipsOf = (text) => String(text || '').split(',').map((t) => t.trim()).filter(Boolean);
const same = (a, b) => a.toLowerCase() === b.toLowerCase();

/** True when a prompt's text already holds this chip (as one of its comma-separated phrases). */
export function hasChip(text, chip) {
  return chipsOf(text).some((t) => same(t, chip));
}

/** The prompt's text with a chip added, or removed when it is there already (a second tap). */
export function toggleChip(text, chip) {
  const phrases = chipsOf(text);
  const kept = phrases.filter((t) => !same(t, chip));
  return (kept.length === phrases.length ? [...phrases, chip] : kept).join(', ');
}

/** The chips (from `labels`) a prompt's text holds, in the order typed. */
export function chipsIn(text, labels) {
  return chipsOf(text).filter((t) => labels.some((l) => same(l, t)));
}

/** The question to ask before saving a scan dated outside every logbook year, or ''. */
export function outsideYearsQuestion(iso, logbook) {
  const starts = logbook?.pgcert_completed_on;
  const ends = logbook?.registration_ends_on;
  if (!starts || !ends || !/^\d{4}-\d{2}-\d{2}$/.test(iso || '')) return '';
  if (iso < starts) {
    return `This scan is before your logbook year 1 starts (${displayDate(starts)}): it will not count. Save anyway?`;
  }
  if (iso > ends) {
    return `This scan is after your registration ends (${displayDate(ends)}): it will not count. Save anyway?`;
  }
  return '';
}

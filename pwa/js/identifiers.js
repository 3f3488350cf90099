// Spots text that looks like a patient identifier: the same rules, patterns and answers as
// server/domain/identifiers.py (kinds, confidence and the Dr rule are documented there). Keep the
// two in step: tests/domain/test_identifiers_parity.py compares them on every shared case.
// Offsets index the original text (UTF-16 code units; equal to Python's for BMP text).

const R = String.raw;
const re = (source, flags) => new RegExp(source, flags);

const DROP = new Set(['\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff']);
const MAP = new Map();
for (const c of '\t\n\r\f\v\u00a0\u1680\u2028\u2029\u202f\u205f\u3000') MAP.set(c, ' ');
for (let c = 0x2000; c < 0x200b; c += 1) MAP.set(String.fromCharCode(c), ' ');
for (const c of '\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d') MAP.set(c, '-');
for (const c of '\u2018\u2019\u2032') MAP.set(c, "'");
for (let d = 0; d < 10; d += 1) MAP.set(String.fromCharCode(0xff10 + d), String(d));
MAP.set('\uff20', '@');
const PLAIN = /[^\x20-\x7e]| {2}/; // printable ASCII without a double space needs no normalising

/** The text to match and, per character, the index it came from (null: the same text). */
function normalise(text) {
  if (!PLAIN.test(text)) return [text, null];
  const out = [];
  const where = [];
  for (let i = 0; i < text.length; i += 1) {
    let ch = text[i];
    if (DROP.has(ch)) continue;
    ch = MAP.get(ch) ?? ch;
    if (ch === ' ' && out.length && out[out.length - 1] === ' ') continue;
    out.push(ch);
    where.push(i);
  }
  return [out.join(''), where];
}

// Cheap early exit: every finding needs a digit, an "@", a title, "pt", "patient" or "name".
const DIGIT_OR_AT = /[0-9@]/;
const TITLE_HINT = /M[rsix]|Dr|mrs|MRS|MISS/; // every title of TITLE_NAME holds one
const mayHold = (n) => DIGIT_OR_AT.test(n) || TITLE_HINT.test(n)
  || ['pt', 'patient', 'name'].some((word) => n.toLowerCase().includes(word));
// No look-behinds (Safari before 16.4 has none): a match counts only if the characters just
// before it do not match its AFTER_ pattern (each(), as on the server).
const AFTER_DIGIT = /\d[./-]?$/;
const AFTER_WORD = /[\w+]$/;
const AFTER_LETTER = /[A-Za-z]$/;
const AFTER_DATE = /[\d/.-]$/;
const AFTER_ALNUM = /[A-Za-z0-9]$/;
const AFTER_NUMBER = /[\w.,/-]$/;
const EMAIL = /[A-Za-z0-9._%+'-]{1,64} ?@ ?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const NHS = re(R`(\(?\d{3}\)?(?: ?[./-] ?| )?\d{3}(?: ?[./-] ?| )?\d{4}`
  + R`|\d{3}(?: ?[./-] ?| )?\d{4}(?: ?[./-] ?| )?\d{3}|\d{4}(?: ?[./-] ?| )?\d{3}(?: ?[./-] ?| )?\d{3}`
  + R`|\d([ .-])\d(?:\2\d){8})`
  + R`(?!\d)(?![./-]\d)`, 'g');
const NHS_LABEL = re(R`\bNHS(?: ?(?:no\b\.?|num(?:ber)?\b|#))?[ :#=.-]*(?:is )?(\d(?:[ ./-]?\d){7,10})(?!\d)`, 'gi');
const PHONE = re(R`((?:\+|00) ?44 ?(?:\(0\) ?)?|\(?0)([1-9]\d{0,9}(?!\d)\)? ?)`
  + R`([ -]?\d{3,8}(?!\d))?([ -]?\d{3,8}(?!\d))?`, 'g');

const MONTH = R`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?`
  + R`|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])`;
const FULL_DATE = R`\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)`
  + R`|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}(?!\d)`
  + R`|\d{1,2}(?:st|nd|rd|th)?[ -]?(?:of )?${MONTH}\.?,?[ -]?'?(?:\d{4}|\d{2})(?!\d)`
  + R`|${MONTH}\.? \d{1,2}(?:st|nd|rd|th)?,? '?(?:\d{4}|\d{2})(?!\d)`;
const DOB_DATE = FULL_DATE + R`|\d{1,2} \d{1,2} (?:\d{4}|\d{2})(?!\d)|\d{8}(?!\d)|\d{6}(?!\d)`
  + R`|\d{1,2}(?:st|nd|rd|th)? (?:of )?${MONTH}|(?:19|20)\d{2}(?![0-9a-z])`;
const DOB_TAG = R`d\.? ?o\.? ?b(?![a-z])\.?|date of birth`;
const DOB_WORD = DOB_TAG + R`|birth ?date|birthday|born`;
const DOB_BEFORE = re(R`(?:${DOB_WORD}|b\.(?= ?\d))[ :=(),.-]*(?:is |was |on |in |of )?(${DOB_DATE})`, 'gi');
const DOB_AFTER = re(R`(${FULL_DATE})[ ,]*[(\[]? ?(?:${DOB_TAG})(?![a-z])`
  + R`(?![ :=(),.-]*(?:is |was |on |in |of )?\d)`, 'gi');
const OLD_DATE = re(R`(\d{1,2}([/.-])\d{1,2}\2(?:19[0-8]\d)`
  + R`|\d{1,2}(?:st|nd|rd|th)?[ -]?${MONTH}\.?,?[ -]?19[0-8]\d)(?!\d)`, 'gi');

const POSTCODE = re(R`(GIR ?-?0AA|[A-PR-UWYZ][A-HK-Y]?\d[\dA-HJKPSTUW]? ?-?(\d[ABD-HJLNP-UW-Z]{2}))`
  + R`(?![A-Za-z0-9])`, 'gi');
const ORDINAL = /^\d(?:st|nd|rd|th)$/;

const HOSPITAL_LABEL = re(R`\b(?:MRN|hosp(?:ital)?\.? ?(?:no\b\.?|num(?:ber)?\b|#|id\b)|unit ?(?:no\b\.?|num(?:ber)?\b)`
  + R`|(?:patient|pt)\.? ?(?:id\b|no\b\.?|num(?:ber)?\b|#)|case ?(?:no\b\.?|number\b))`
  + R`[ :#=.-]*(?:is )?((?:[A-Z]{1,4}[ -]?)?\d(?:\d|-(?=\d)| (?=\d{3}))+[A-Z]?)(?![A-Za-z0-9])`, 'gi');
const HOSPITAL_BARE = re(R`((?:[A-Z]{1,3} ?)?\d{7,9}|[A-Z]{1,3}\d{6})(?![\w]|[.,/]\d)`, 'g');
const BARE_EXEMPT = /\b(?:batch|lot|exp(?:iry)?|serial|s\/n|product|code)[ :#.-]*(?:no\b\.?)?[ :#.-]*$/i;

const SURNAME = R`[A-Z](?:[a-z]+(?:'?[A-Z][a-z]+)?|'[A-Z][a-z]+)(?:-[A-Z][a-z]+)?`;
const TITLE_NAME = re(R`(Mrs|Mr|Mstr|Ms|Miss|Mx|Dr|mrs)\.? ((?:[A-Z]\.? ){0,2}${SURNAME})(?: (${SURNAME}))?`, 'g');
const TITLE_CAPS = /(?:MRS|MISS)\.? ([A-Z]{2,}(?:['-][A-Z]{2,})?)(?![A-Za-z])/g;
const TITLE_LOWER = /(?:Mrs|mrs|Miss)\.? ([a-z]{2,}(?:['-][a-z]+)?)(?![A-Za-z])/g;
const CLINICIAN_BEFORE = re(R`(?:\b(?:by|ref|refd|ref'd|referrer|referring|from|per|under|cons|consultant|with|d/w|w/`
  + R`|to|surgeon|GP|clinic|list)[ :]*)$`, 'i');
const CLINICIAN_AFTER = re(R`(?:'s?)? ?\(?(?:clinic|list|team|firm|theatre|ward|consultant|surgeon|registrar|physio`
  + R`|physiotherapist|radiographer|sonographer|radiologist|nurse|GP|reporting|supervising)\b`, 'iy');
const NAME_LABEL = re(R`\b(?:(?:patient|pt)'?s? name|(?:sur|first |full |given )?name ?[:=-])[ :=-]*(?:is )?`, 'gi');
const NAME_VALUE = /(?:[A-Za-z]\.? )?[A-Za-z][A-Za-z'-]*[A-Za-z](?: [A-Z][A-Za-z'-]*[a-z])?/y;
const PT_WORD = re(R`\b(?:[Pp]t|[Pp]atient)[.:]? (${SURNAME})`, 'g');
const NOT_SURNAMES = new Set((
  'able advised aged agreed also asymptomatic attended awaiting aware better bilateral booked '
  + 'both came cancelled complains consented continues currently declined denies describes did '
  + 'discharged does elderly feels female for gave had happy has her his improved in is keen '
  + 'known last left like male needs normal not notes now on post pre presented presents '
  + 'previously referred reported reports requested returned reviewed right says scanned seen '
  + 'states still symptomatic tender tolerated tolerating unable understands uses very walking '
  + 'wants was went will with works worse young said asked felt thinks thought would could can '
  + 'may might should and the of achilles osgood-schlatter hawkins hawkins-kennedy neer phalen '
  + 'tinel finkelstein').split(' '));

// Where two findings overlap, high confidence wins, then the kind listed first.
const KINDS = ['email', 'nhs_number', 'phone', 'date_of_birth', 'postcode', 'hospital_number', 'name'];
const WHAT = {
  nhs_number: 'an NHS number', date_of_birth: 'a date of birth', postcode: 'a postcode',
  hospital_number: 'a hospital number', phone: 'a phone number', email: 'an email address', name: 'a name',
};
const REASONS = {
  nhs: 'Ten digits with a valid NHS number check digit.',
  nhs_check: 'Ten digits like an NHS number (the check digit does not match).',
  nhs_label: 'A number labelled NHS.',
  dob: 'A date next to words like DOB or born is a date of birth.',
  old_date: 'A full date before 1990 is probably a date of birth.',
  phone: 'A UK phone number.',
  email: 'An email address.',
  postcode: 'A UK postcode.',
  hospital: 'A number labelled as a hospital, MRN or patient number.',
  hospital_bare: 'Letters and digits shaped like a hospital number.',
  title: 'A title followed by a surname.',
  doctor: 'Dr followed by a surname: remove it if it is the patient.',
  title_lower: 'A title followed by a word that may be a surname.',
  name_label: 'A word after a name label.',
  pt_word: "A capitalised word after pt may be the patient's surname.",
};
const LOW_REASONS = new Set(['nhs_check', 'nhs_label', 'old_date', 'hospital_bare', 'doctor', 'title_lower', 'pt_word']);

const digitsOf = (text) => text.replace(/[^0-9]/g, '');

/** True when ten digits pass the NHS number modulus 11 check. */
export function isNhsNumber(digits) {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

// Group spans without the `d` flag (Safari 15+): each group used starts or ends its match.
const head = (m, g) => [m.index, m.index + m[g].length];
const tail = (m, g) => [m.index + m[0].length - m[g].length, m.index + m[0].length];

/** matchAll, but a match counts only where the two characters before it fail `after`. */
function* each(pattern, after, n) {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(n); m !== null; m = pattern.exec(n)) {
    if (after.test(n.slice(Math.max(0, m.index - 2), m.index))) pattern.lastIndex = m.index + 1;
    else yield m;
  }
}

function phoneEnd(n, m) {
  let total = 0;
  let end = null;
  let at = m.index + m[1].length;
  for (const group of [2, 3, 4]) {
    if (m[group] === undefined) break;
    at += m[group].length;
    total += digitsOf(m[group]).length;
    if (total === 9 || total === 10) end = at;
  }
  while (end !== null && n[end - 1] === ' ') end -= 1;
  return end;
}

function clinicianAfter(n, at) {
  CLINICIAN_AFTER.lastIndex = at;
  return CLINICIAN_AFTER.test(n);
}

function titleReason(n, m, surnameEnd, end) {
  if (clinicianAfter(n, surnameEnd) || clinicianAfter(n, end)) return null;
  if ((m[1] === 'Mr' || m[1] === 'Dr') && CLINICIAN_BEFORE.test(n.slice(Math.max(0, m.index - 24), m.index))) return null;
  return m[1] === 'Dr' ? 'doctor' : 'title';
}

// Each family runs only if the text holds what all its matches need, as on the server.
const DOB_HINTS = ['dob', 'do.', 'do ', 'd.o', 'd o', 'd. o', 'birth', 'born', 'b.'];
const INWARD = /\d[ABD-HJLNP-UW-Z]{2}/i;
const HOSPITAL_HINTS = ['mrn', 'hosp', 'unit', 'patient', 'pt', 'case'];
const SIX_DIGITS = /\d{6}/;

function candidates(n) {
  const found = [];
  const add = (kind, [start, end], key) => found.push([kind, start, end, key]);
  const digits = (n.match(/[0-9]/g) || []).length;
  const lower = n.toLowerCase();
  if (n.includes('@')) for (const m of n.matchAll(EMAIL)) add('email', head(m, 0), 'email');
  if (digits >= 8) {
    for (const m of each(NHS, AFTER_DIGIT, n)) add('nhs_number', head(m, 1), isNhsNumber(digitsOf(m[1])) ? 'nhs' : 'nhs_check');
    if (lower.includes('nhs')) {
      for (const m of n.matchAll(NHS_LABEL)) add('nhs_number', tail(m, 1), isNhsNumber(digitsOf(m[1])) ? 'nhs' : 'nhs_label');
    }
    for (const m of each(PHONE, AFTER_WORD, n)) {
      const end = phoneEnd(n, m);
      if (end !== null) add('phone', [m.index, end], 'phone');
    }
  }
  if (digits && DOB_HINTS.some((word) => lower.includes(word))) {
    for (const m of each(DOB_BEFORE, AFTER_LETTER, n)) add('date_of_birth', tail(m, 1), 'dob');
    for (const m of each(DOB_AFTER, AFTER_DATE, n)) add('date_of_birth', head(m, 1), 'dob');
  }
  if (n.includes('19')) for (const m of each(OLD_DATE, AFTER_DATE, n)) add('date_of_birth', head(m, 1), 'old_date');
  if (INWARD.test(n)) {
    for (const m of each(POSTCODE, AFTER_ALNUM, n)) {
      if (!(m[2] && ORDINAL.test(m[2]))) add('postcode', head(m, 1), 'postcode');
    }
  }
  if (digits >= 4 && HOSPITAL_HINTS.some((word) => lower.includes(word))) {
    for (const m of n.matchAll(HOSPITAL_LABEL)) {
      if (digitsOf(m[1]).length >= 4) add('hospital_number', tail(m, 1), 'hospital');
    }
  }
  if (digits >= 6 && SIX_DIGITS.test(n)) {
    for (const m of each(HOSPITAL_BARE, AFTER_NUMBER, n)) {
      if (!BARE_EXEMPT.test(n.slice(Math.max(0, m.index - 16), m.index))) add('hospital_number', head(m, 1), 'hospital_bare');
    }
  }
  if (TITLE_HINT.test(n)) {
    for (const m of each(TITLE_NAME, AFTER_LETTER, n)) {
      const start = m.index + m[0].length - m[2].length - (m[3] === undefined ? 0 : m[3].length + 1);
      const end = m[3] && !NOT_SURNAMES.has(m[3].toLowerCase()) ? m.index + m[0].length : start + m[2].length;
      const reason = titleReason(n, m, start + m[2].length, end);
      if (reason) add('name', [start, end], reason);
    }
    for (const m of each(TITLE_CAPS, AFTER_LETTER, n)) add('name', tail(m, 1), 'title');
    for (const m of each(TITLE_LOWER, AFTER_LETTER, n)) {
      if (!NOT_SURNAMES.has(m[1].toLowerCase())) add('name', tail(m, 1), 'title_lower');
    }
  }
  if (lower.includes('name')) {
    for (const m of n.matchAll(NAME_LABEL)) {
      NAME_VALUE.lastIndex = m.index + m[0].length;
      const value = NAME_VALUE.exec(n);
      if (value) add('name', [value.index, value.index + value[0].length], 'name_label');
    }
  }
  if (lower.includes('pt') || lower.includes('patient')) {
    for (const m of n.matchAll(PT_WORD)) {
      if (!NOT_SURNAMES.has(m[1].toLowerCase())) add('name', tail(m, 1), 'pt_word');
    }
  }
  return found;
}

/**
 * The likely identifiers in a text, in order of position: a list of
 * {kind, start, end, reason, confidence: 'high'|'low', message}, empty when clean.
 */
export function findIdentifiers(text) {
  const value = String(text || '');
  if (!value) return [];
  const [n, where] = normalise(value);
  if (!mayHold(n)) return [];
  const all = candidates(n).map(([kind, start, end, key]) => [kind, start, end, key, LOW_REASONS.has(key) ? 'low' : 'high']);
  const order = (c) => [c[4] === 'high' ? 0 : 1, KINDS.indexOf(c[0]), c[1], c[1] - c[2]];
  all.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  });
  const kept = [];
  for (const c of all) if (kept.every((k) => c[2] <= k[1] || c[1] >= k[2])) kept.push(c);
  kept.sort((a, b) => a[1] - b[1]);
  return kept.map(([kind, s, e, key, confidence]) => ({
    kind,
    start: where ? where[s] : s,
    end: where ? where[e - 1] + 1 : e,
    reason: REASONS[key],
    confidence,
    message: `This looks like ${WHAT[kind]}.`,
  }));
}

/** True when a finding must block Save (the server refuses the same findings). */
export function highConfidence(finding) {
  return finding.confidence === 'high';
}

/** The findings that block Save: high confidence only (low ones only warn). */
export function blockingFindings(text) {
  return findIdentifiers(text).filter(highConfidence);
}

/** The text without one finding (the one-tap removal), spaces around it tidied. */
export function removeIdentifier(text, finding) {
  const before = text.slice(0, finding.start).replace(/[ \u00a0]+$/, '');
  const after = text.slice(finding.end).replace(/^[ \u00a0]+/, '');
  return before && after && !/^[,.;:)]/.test(after) ? `${before} ${after}` : before + after;
}

/** One sentence for the user, or '' when the text is clean. */
export function identifierWarning(text) {
  const messages = [...new Set(findIdentifiers(text).map((f) => f.message))];
  if (!messages.length) return '';
  return `${messages.join(' ')} Remove anything that could identify the patient.`;
}

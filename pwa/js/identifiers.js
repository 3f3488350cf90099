// Spots text that looks like a patient identifier, so the app can warn before the server refuses it.

const NHS_RUN = /\b(\d{3})[ -]?(\d{3})[ -]?(\d{4})\b/g;
const POSTCODE = /\b(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b/i;
const DOB_WORDS = /\b(d\.?o\.?b\.?|date of birth|born( on)?)\b/i;
const FULL_DATE = /\b\d{1,2}[/.-]\d{1,2}[/.-](\d{4}|\d{2})\b/;
const MRN_WORDS = /\b(mrn|hospital (no|number)|hosp\.? no|patient (id|number)|unit number)\b[\s:#.-]*[A-Z]*\d{4,}/i;
const LONG_NUMBER = /\b[A-Z]{0,3}\d{7,}\b/i;

/** True when ten digits pass the NHS number modulus 11 check. */
export function isNhsNumber(digits) {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(digits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

/** The kinds of identifier found in a text: a list of {kind, message}, empty when clean. */
export function findIdentifiers(text) {
  const found = [];
  const value = String(text || '');
  if (!value.trim()) return found;
  for (const m of value.matchAll(NHS_RUN)) {
    if (isNhsNumber(m[1] + m[2] + m[3])) {
      found.push({ kind: 'nhs_number', message: 'This looks like an NHS number.' });
      break;
    }
  }
  if (DOB_WORDS.test(value) || FULL_DATE.test(value)) {
    found.push({ kind: 'date_of_birth', message: 'This looks like a date of birth.' });
  }
  if (POSTCODE.test(value)) {
    found.push({ kind: 'postcode', message: 'This looks like a postcode.' });
  }
  if (MRN_WORDS.test(value) || (!found.length && LONG_NUMBER.test(value))) {
    found.push({ kind: 'hospital_number', message: 'This looks like a hospital number.' });
  }
  return found;
}

/** One sentence for the user, or '' when the text is clean. */
export function identifierWarning(text) {
  const found = findIdentifiers(text);
  if (!found.length) return '';
  return `${found.map((f) => f.message).join(' ')} Remove anything that could identify the patient.`;
}

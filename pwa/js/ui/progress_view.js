// The progress screen: cumulative scans against the target line, a bar per region, one plain
// sentence and a skill-fade nudge. DOM only; user text via textContent; no inline style markup.
import {
  computeProgress, dayNumber, DEFAULT_REGIONS, focusPeriod, formatDate, paceSentence, skillFadeNudge,
} from '../progress.js';
import { apiFetch } from '../api.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 180;
const PAD = { left: 36, right: 12, top: 12, bottom: 24 };
export const REGION_LABELS = {
  shoulder: 'Shoulder', elbow: 'Elbow', wrist_hand: 'Wrist & hand', hip_groin: 'Hip & groin',
  knee: 'Knee', ankle_foot: 'Ankle & foot', other: 'Other',
};
let idCounter = 0;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function svgEl(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function ensureStylesheet(doc) {
  const href = new URL('../../css/progress.css', import.meta.url).href;
  if ([...doc.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href)) return;
  const link = doc.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  doc.head.appendChild(link);
}

/** Cumulative count per day of the period up to `last`: [[day, cumulative], ...] at each change. */
function cumulativePoints(entries, period, lastDay) {
  const start = dayNumber(period.starts_on);
  const perDay = new Map();
  for (const e of entries) {
    if (e.deleted || e.scanned_on < period.starts_on || e.scanned_on > period.ends_on) continue;
    const d = dayNumber(e.scanned_on);
    if (d <= lastDay) perDay.set(d, (perDay.get(d) || 0) + 1);
  }
  const points = [[start, 0]];
  let total = 0;
  for (const d of [...perDay.keys()].sort((a, b) => a - b)) {
    points.push([d, total]);
    total += perDay.get(d);
    points.push([d, total]);
  }
  points.push([lastDay, total]);
  return points;
}

function chart(entries, period, today) {
  const start = dayNumber(period.starts_on);
  const end = dayNumber(period.ends_on);
  const t = Math.min(Math.max(dayNumber(today), start), end);
  const top = Math.max(period.target, period.count, period.projected_count || 0, 1);
  const x = (d) => PAD.left + ((d - start) / Math.max(end - start, 1)) * (W - PAD.left - PAD.right);
  const y = (n) => H - PAD.bottom - (n / top) * (H - PAD.top - PAD.bottom);
  const id = `progress-chart-${(idCounter += 1)}`;
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${id}-t ${id}-d`, class: 'progress-chart' });
  const title = svgEl('title', { id: `${id}-t` });
  title.textContent = `Scans in logbook year ${period.number}`;
  const desc = svgEl('desc', { id: `${id}-d` });
  desc.textContent = chartText(period, today);
  svg.append(title, desc);
  svg.append(svgEl('line', { x1: PAD.left, y1: y(0), x2: W - PAD.right, y2: y(0), class: 'axis' }));
  svg.append(svgEl('line', { x1: x(start), y1: y(0), x2: x(end), y2: y(period.target), class: 'target-line' }));
  const pts = cumulativePoints(entries, period, t).map(([d, n]) => `${x(d).toFixed(1)},${y(n).toFixed(1)}`);
  svg.append(svgEl('polyline', { points: pts.join(' '), class: 'count-line', fill: 'none' }));
  if (period.projected_count != null) {
    svg.append(svgEl('line', {
      x1: x(t), y1: y(period.count), x2: x(end), y2: y(period.projected_count), class: 'projection-line', 'stroke-dasharray': '5 4',
    }));
  }
  if (dayNumber(today) >= start && dayNumber(today) <= end) {
    svg.append(svgEl('line', { x1: x(t), y1: PAD.top, x2: x(t), y2: y(0), class: 'today-line' }));
    const label = svgEl('text', { x: x(t), y: PAD.top + 8, class: 'chart-label', 'text-anchor': 'middle' });
    label.textContent = 'Today';
    svg.append(label);
  }
  const targetLabel = svgEl('text', { x: PAD.left - 4, y: y(period.target) + 4, class: 'chart-label', 'text-anchor': 'end' });
  targetLabel.textContent = String(period.target);
  svg.append(targetLabel);
  for (const [d, anchor] of [[start, 'start'], [end, 'end']]) {
    const lab = svgEl('text', { x: x(d), y: H - 6, class: 'chart-label', 'text-anchor': anchor });
    lab.textContent = formatDate(d === start ? period.starts_on : period.ends_on);
    svg.append(lab);
  }
  return svg;
}

/** The chart's text equivalent, for screen readers and the figure caption. */
export function chartText(period, today) {
  let text = `${period.count} of ${period.target} scans logged between ${formatDate(period.starts_on)} and ${formatDate(today < period.ends_on ? today : period.ends_on)}.`;
  if (period.projected_count != null) {
    text += ` At the pace of recent weeks you would reach about ${period.projected_count} by ${formatDate(period.ends_on)}.`;
  }
  return text;
}

function legend(period) {
  const list = el('ul', 'chart-legend');
  list.setAttribute('aria-hidden', 'true'); // the chart's text equivalent already says all this
  const items = [['target', `Target (${period.target})`], ['count', 'Your scans']];
  if (period.projected_count != null) items.push(['projection', 'At recent pace']);
  for (const [kind, text] of items) {
    const item = el('li', null, text);
    item.prepend(el('span', `swatch swatch-${kind}`));
    list.append(item);
  }
  return list;
}

function regionBars(period, progress, labels) {
  const list = el('ul', 'region-bars');
  const counts = period.by_region;
  const max = Math.max(1, progress.region_minimum || 0, ...Object.values(counts));
  const codes = [...DEFAULT_REGIONS, ...Object.keys(counts).filter((c) => !DEFAULT_REGIONS.includes(c))];
  for (const code of codes) {
    const n = counts[code] || 0;
    const item = el('li', 'region-bar');
    const name = el('span', 'region-name', labels[code] || code);
    const track = el('span', 'region-track');
    const fill = el('span', 'region-fill');
    fill.style.width = `${(n / max) * 100}%`;
    track.append(fill);
    const short = period.region_shortfalls?.[code];
    const value = el('span', 'region-count', short ? `${n} (${short} more needed)` : String(n));
    item.append(name, track, value);
    list.append(item);
  }
  return list;
}

const STATUS_WORDS = {
  on_track: 'on track', at_risk: 'at risk', met: 'target met', missed: 'target missed', upcoming: 'not started',
};

/** One logbook year's sign-off state in words, from a period of GET /progress (pure). */
export function signoffWords(period, today) {
  const n = period.number;
  const s = period.submission;
  if (s?.status === 'signed_off') {
    return { title: `Year ${n} signed off`, detail: s.comment ? `Your tutor said: ${s.comment}` : '', attention: false };
  }
  if (s?.status === 'returned') {
    return { title: `Year ${n} returned for changes`, detail: `Your tutor said: ${s.comment} Correct it, then submit it again.`, attention: true };
  }
  if (s?.status === 'submitted') {
    const open = (s.sample?.queried || 0) - (s.sample?.resolved || 0);
    const detail = open > 0
      ? `${open} ${open === 1 ? 'query' : 'queries'} from your tutor to answer: fix the entries with a "Query:" comment in your logbook.`
      : `Submitted ${formatDate(s.submitted_at.slice(0, 10))}, waiting for your tutor's sign-off.`;
    return { title: `Year ${n} submitted`, detail, attention: open > 0 };
  }
  if (period.status === 'upcoming') return null;
  if (period.submission_opens_on && today < period.submission_opens_on) {
    return { title: `Year ${n} is open`, detail: `Year ${n} can be submitted from ${formatDate(period.submission_opens_on)}.`, attention: false };
  }
  return { title: `Year ${n} can be submitted`, detail: 'Submit it from the ScanLog web page when it is complete.', attention: false };
}

/** What the tutor sees of the current year: the server's status and projection, in words. */
export function tutorSeesWords(report) {
  const period = report.periods.find((p) => p.number === report.current_period);
  if (!period) return '';
  let text = `Your tutor sees year ${period.number} as ${STATUS_WORDS[period.status] || period.status}: ${period.count} of ${period.target}`;
  if (period.projected_count != null) text += `, about ${period.projected_count} by ${formatDate(period.ends_on)} at this pace`;
  return `${text}.`;
}

/** What the tutor sees and each year's sign-off state, from a GET /progress report (DOM). */
function showSignoff(box, report, today) {
  const seen = tutorSeesWords(report);
  if (seen) box.append(el('p', 'tutor-sees', seen));
  const list = el('ul', 'signoff-years');
  for (const period of report.periods) {
    const words = signoffWords(period, today);
    if (!words) continue;
    const item = el('li', words.attention ? 'signoff-year attention' : 'signoff-year');
    item.append(el('strong', null, words.title));
    if (words.detail) item.append(el('p', null, words.detail));
    list.append(item);
  }
  box.append(list);
}

/** Fetch GET /progress and show each year's sign-off state. The last answer is kept in the
 * logbook's meta store, so offline the phone shows what it last heard, saying when. */
export async function renderSignoff(section, { token, today, store = null }) {
  const box = el('section', 'signoff');
  box.setAttribute('aria-labelledby', 'signoff-h');
  const heading = el('h3', 'progress-subtitle', 'Sign-off');
  heading.id = 'signoff-h';
  box.append(heading);
  section.append(box);
  const report = await apiFetch('/progress', { token }).catch(() => null);
  if (report) {
    // Kept for the next offline visit: a full store loses only that copy, never this answer.
    store?.setMeta('progress-report', { report, heardOn: today }).catch(() => {});
    showSignoff(box, report, today);
    return;
  }
  const kept = store ? await store.getMeta('progress-report').catch(() => null) : null;
  if (!kept) {
    box.append(el('p', 'signoff-offline', 'Sign-off news shows here when you are online.'));
    return;
  }
  box.append(el('p', 'signoff-offline', `Offline: as ScanLog last heard on ${formatDate(kept.heardOn)}.`));
  showSignoff(box, kept.report, today);
}

/** Render the progress screen into `container` from local entries and the logbook settings. */
export function renderProgress(container, { entries, logbook, today, options = {}, regionLabels = REGION_LABELS, token = null, store = null }) {
  if (container.ownerDocument) ensureStylesheet(container.ownerDocument);
  const progress = computeProgress(entries, logbook, today, options);
  const section = el('section', 'progress-view');
  section.setAttribute('aria-label', 'Progress');
  const period = focusPeriod(progress);
  if (!period) {
    section.append(el('p', 'progress-message', progress.message));
    container.replaceChildren(section);
    return progress;
  }
  const head = el('div', 'progress-headline');
  head.append(el('span', 'progress-count', String(period.count)), el('span', 'progress-of', ` of ${period.target}`));
  section.append(el('h3', 'progress-title', `Logbook year ${period.number}`), head);
  section.append(el('p', `progress-sentence status-${period.status}`, paceSentence(period)));
  const nudge = skillFadeNudge(progress);
  if (nudge) {
    const box = el('p', 'progress-nudge', nudge);
    box.setAttribute('role', 'status');
    section.append(box);
  }
  const figure = el('figure', 'progress-figure');
  figure.append(chart(entries || [], period, today), legend(period), el('figcaption', 'sr-only', chartText(period, today)));
  section.append(figure, el('h3', 'progress-subtitle', 'Scans by region'), regionBars(period, progress, regionLabels));
  container.replaceChildren(section);
  if (token) renderSignoff(section, { token, today, store }); // the server's view, or the last one heard
  return progress;
}

// The header: this year's count against the target (computed on the device) and the sync badge.
import { el, replace } from './dom.js';

/** Fill the header count; returns "127 of 300 this year" or '' when it cannot be computed. */
export async function yearSummary(entries, logbook, today, attention = 0) {
  const target = document.getElementById('year-count');
  // Off the start path: the form comes first, the count a moment later.
  const { computeProgress } = await import('../progress.js');
  if (!logbook) {
    target.textContent = '';
    return '';
  }
  const progress = computeProgress(entries, logbook, today);
  const period = progress.periods.find((p) => p.number === progress.current_period);
  if (!period) {
    target.textContent = '';
    return '';
  }
  // The count is every entry on the phone and the server; those the server refused or that are
  // in conflict are said apart, so "Saved - 110 of 300" never hides a refusal.
  const apart = attention ? el('span', { class: 'attention-count', id: 'attention-count' },
    ` · ${attention} ${attention === 1 ? 'needs' : 'need'} attention`) : null;
  replace(target, el('strong', {}, String(period.count)), ` of ${period.target} this year`, apart);
  return `${period.count} of ${period.target} this year`;
}

function ago(iso) {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60000);
  return minutes < 1 ? 'just now' : minutes < 60 ? `${minutes} min ago` : `${Math.round(minutes / 60)} h ago`;
}

/** The quiet sync badge: "3 waiting to sync", "All synced 2 min ago", or a sign-in call. */
export function renderBadge(state, onTap) {
  const badge = document.getElementById('sync-badge');
  badge.hidden = false;
  badge.onclick = onTap;
  const n = state.pending || 0;
  const held = state.attention || 0;
  badge.className = 'sync-badge';
  badge.dataset.pending = String(n);
  badge.dataset.attention = String(held);
  badge.dataset.syncedAt = state.lastSyncedAt || '';
  if (state.status === 'signin') {
    badge.classList.add('alert');
    badge.textContent = n ? `${n} waiting: sign in` : 'Sign in to sync';
  } else if (n && held) {
    badge.classList.add('alert'); // never calm while something was refused
    badge.textContent = `${n} waiting · ${held} ${held === 1 ? 'needs' : 'need'} attention`;
  } else if (n) {
    badge.classList.add('waiting');
    badge.textContent = `${n} waiting to sync`;
  } else if (held) {
    badge.classList.add('alert');
    badge.textContent = `${held} ${held === 1 ? 'needs' : 'need'} attention`;
  } else if (state.status === 'syncing') {
    badge.textContent = 'Syncing…';
  } else {
    badge.textContent = state.lastSyncedAt ? `All synced ${ago(state.lastSyncedAt)}` : 'Nothing waiting';
  }
  const total = n + held;
  badge.title = `${total} ${total === 1 ? 'entry' : 'entries'} not yet on the server`;
}

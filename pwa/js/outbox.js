// The outbox rules, pure: which ops go in the next push and what each answer does to an entry.
import { toPayload } from './entry.js';

/**
 * The next push: at most `limit` ops, in order, and at most one per entry, so each op's
 * base_version is the version the previous answer gave. Unsent ops get their base_version now.
 */
export function pickBatch(ops, entriesById, limit = 100) {
  const batch = [];
  const seen = new Set();
  for (const op of [...ops].sort((a, b) => a.n - b.n)) {
    if (batch.length >= limit) break;
    if (seen.has(op.entry_id)) continue;
    seen.add(op.entry_id);
    if (op.held) continue; // refused on its own: it (and later ops of its entry) wait for an edit
    if (op.sent) {
      batch.push(op);
    } else {
      const base = entriesById[op.entry_id]?.version || 0;
      batch.push({ ...op, base_version: base, sent: true });
    }
  }
  return batch;
}

/** The request body of a push. */
export function pushBody(deviceId, batch) {
  return {
    device_id: deviceId,
    ops: batch.map((op) => ({
      op_id: op.op_id,
      entry_id: op.entry_id,
      kind: op.kind,
      base_version: op.base_version,
      entry: op.kind === 'upsert' ? toPayload(op.entry) : null,
    })),
  };
}

/**
 * What one answer does to the local entry. `local` is the device's record, `later` the ops for
 * the same entry still queued after this one. Returns {record, dropLater, requeue}: requeue
 * means "queue the record again as a new entry".
 */
export function applyAnswer(op, result, local, later) {
  const server = result.entry;
  if (result.status === 'conflict' && !server && op.kind === 'upsert') {
    // The server has no such entry at all: it was restored from a backup older than the entry.
    // The device's newest copy goes again as a new entry instead of a conflict with nothing.
    const newest = later.length ? later[later.length - 1] : op;
    if (newest.kind === 'delete') return { record: { ...local, version: 0, _pending: false }, dropLater: true };
    const record = { ...(newest.entry || local), version: 0, deleted: false, _pending: true };
    return { record, dropLater: true, requeue: true };
  }
  if (result.status === 'applied' || result.status === 'duplicate') {
    if (!server) return { record: local, dropLater: false };
    if (later.length) {
      // Newer edits are queued: keep their text, take the server's numbers.
      const numbers = pickServerFields(server);
      return { record: { ...local, ...numbers, _pending: true }, dropLater: false };
    }
    return { record: { ...server, _pending: false }, dropLater: false };
  }
  if (result.status === 'conflict') {
    const newest = later.length ? later[later.length - 1] : op;
    const mine = { kind: newest.kind, entry: newest.entry || local };
    const record = { ...(server || local), _pending: false, _conflict: mine };
    return { record, dropLater: true };
  }
  // rejected: the entry stays on the device, editable, with the server's reasons.
  const reasons = Object.values(result.errors || {}).flat().filter((r) => typeof r === 'string');
  const attention = { message: reasons.join(' ') || 'The server refused this entry.', errors: result.errors || {} };
  return { record: { ...refusedRecord(op, local), _pending: later.length > 0, _attention: attention }, dropLater: false };
}

/**
 * The device's record of an entry whose op the server refused: a refused delete leaves the
 * entry in place (the server still has it), so it shows again instead of vanishing.
 */
export function refusedRecord(op, local) {
  return op.kind === 'delete' ? { ...local, deleted: false } : local;
}

/**
 * The one state a student sees for an entry, first match wins: needs attention (refused or a
 * conflict), on this phone (waiting to sync), seen by your tutor (commented or checked), on the
 * server (with its receipt). `feedback` is {comments, unread} for the entry.
 */
export function entryState(entry, feedback = {}) {
  if (entry._conflict) return { key: 'attention', label: 'Needs attention', reason: 'Conflict', detail: 'Changed on two devices: choose which to keep.' };
  if (entry._attention) return { key: 'attention', label: 'Needs attention', reason: 'Refused', detail: entry._attention.message };
  if (entry._pending || !entry.version) return { key: 'phone', label: 'On this phone', detail: 'Waiting to sync.' };
  const receipt = `Arrived ${(entry.updated_at || '').slice(0, 16).replace('T', ' ')} UTC, version ${entry.version}.`;
  if (feedback.comments || entry.check) return { key: 'tutor', label: 'Seen by your tutor', detail: receipt };
  return { key: 'server', label: 'On the server', detail: receipt };
}

/** True when the device's entry differs from what the server is known to hold (for counts). */
export function needsAttention(entry) {
  return Boolean(entry._conflict || entry._attention);
}

function pickServerFields(server) {
  const { version, seq, created_at, updated_at } = server;
  return { version, seq, created_at, updated_at };
}

/**
 * True when a push failed as a whole for something in the batch itself (a 4xx other than 401,
 * 408 and 429): retrying the same batch would fail the same way, so it is split instead.
 */
export function refusedWhole(status) {
  return status >= 400 && status < 500 && ![401, 408, 429].includes(status);
}

/** The "needs attention" note for an op the server refused on its own (whole-batch status). */
export function refusalAttention(status, body) {
  const reasons = Object.values(body?.errors || {}).flat().filter((r) => typeof r === 'string');
  const said = [body?.message, ...reasons].filter(Boolean).join(' ');
  const base = status === 413 ? 'The server refused this entry as too large.' : 'The server refused this entry.';
  return { message: said ? `${base} It said: ${said}` : `${base} (HTTP ${status})`, errors: {} };
}

/** True when a pulled change may replace the device's copy (no queued op, no open conflict). */
export function mayReplace(local, hasQueuedOp) {
  if (hasQueuedOp) return false;
  if (local && (local._conflict || local._attention)) return false;
  return true;
}

/** Delay before retry number `attempt` (1, 2, ...): doubling from 2 s, capped at 5 minutes. */
export function backoffDelay(attempt, random = Math.random) {
  const base = Math.min(300000, 2000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

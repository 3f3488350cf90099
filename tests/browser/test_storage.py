"""The phone's storage adapter (pwa/js/db.js) in Chromium: a storage callback that throws
writes nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import pending_badge, sign_in

pytestmark = pytest.mark.browser

# Reads a logbook through a connection of its own (not the app's), after the app's work is done.
READ_LOGBOOK = """async (name) => {
    const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
    const tx = db.transaction(['entries', 'outbox'], 'readonly');
    const read = (store) => new Promise((resolve) => {
        tx.objectStore(store).getAll().onsuccess = (event) => resolve(event.target.result);
    });
    const [entries, outbox] = [await read('entries'), await read('outbox')];
    db.close();
    return { version: db.version, stores: [...db.objectStoreNames], entries, outbox };
}"""

THROWING_CALLBACKS = """async () => {
    const db = await import('/js/db.js');
    const { blankEntry } = await import('/js/entry.js');
    const { user } = await db.getAuth();
    const store = new db.UserDb(user.id);
    const entry = { ...blankEntry('2026-01-15'), region: 'knee', side: 'left',
        activity: 'diagnostic', supervision: 'independent', notes: 'half-written' };
    const op = { op_id: 'op-thrown', entry_id: entry.id, kind: 'upsert', entry, sent: false };
    const mistake = (when) => Object.assign(new Error(`thrown ${when}`), { ours: when });
    const callbacks = {
        // Writes to two stores, reads inside the transaction, then throws.
        after_a_read: async (tx) => {
            tx.objectStore('entries').put(entry);
            tx.objectStore('outbox').add(op);
            await new Promise((resolve) => {
                tx.objectStore('entries').get(entry.id).onsuccess = resolve;
            });
            throw mistake('after_a_read');
        },
        // Writes and throws at once, without awaiting anything.
        at_once: (tx) => {
            tx.objectStore('outbox').add(op);
            tx.objectStore('entries').put(entry);
            throw mistake('at_once');
        },
    };
    const outcomes = {};
    for (const [name, fn] of Object.entries(callbacks)) {
        outcomes[name] = await store.conn.run(['entries', 'outbox'], 'readwrite', fn).then(
            () => 'resolved', (error) => ({ message: error.message, ours: error.ours }));
    }
    // The connection still works: a save after the throws is kept, and only it.
    await store.saveEntry({ ...entry, id: crypto.randomUUID(), notes: 'saved after' });
    return { outcomes, name: `scanlog-user-${user.id}` };
}"""


def test_a_storage_callback_that_throws_writes_nothing(phone, student, server):
    page = phone.new_page()
    sign_in(page)
    phone.set_offline(True)  # no sync touches the logbook meanwhile
    outcomes, name = page.evaluate(THROWING_CALLBACKS).values()
    # The promise rejects with the callback's own error, not the transaction's abort.
    assert outcomes == {
        "after_a_read": {"message": "thrown after_a_read", "ours": "after_a_read"},
        "at_once": {"message": "thrown at_once", "ours": "at_once"},
    }
    stored = page.evaluate(READ_LOGBOOK, name)
    assert [e["notes"] for e in stored["entries"]] == ["saved after"]
    assert [op["entry"]["notes"] for op in stored["outbox"]] == ["saved after"]
    page.reload()  # and the app, started again, counts only the entry really saved
    expect(pending_badge(page)).to_have_attribute("data-pending", "1")

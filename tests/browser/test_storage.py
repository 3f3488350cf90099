"""The phone's storage adapter (pwa/js/db.js) in Chromium: a storage callback that throws
writes nothing, and a phone holding a version-1 logbook keeps every queued op on update."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, pending_badge, server_entries, sign_in, synced

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


# The logbook exactly as version 1 of the app made it (db.js before the versioned upgrade):
# the same database names, stores, key paths and indexes, written with raw IndexedDB.
WRITE_V1_PHONE = """async ({ userId, auth, deviceId, entries, ops, cursor }) => {
    const opened = (request) => new Promise((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    });
    const committed = (tx) => new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
    });
    const authRequest = indexedDB.open('scanlog-auth', 1);
    authRequest.onupgradeneeded = () => authRequest.result.createObjectStore('kv');
    const authDb = await opened(authRequest);
    const kv = authDb.transaction(['kv'], 'readwrite');
    kv.objectStore('kv').put(auth, 'auth');
    kv.objectStore('kv').put(deviceId, 'device_id');
    await committed(kv);
    authDb.close();
    const request = indexedDB.open(`scanlog-user-${userId}`, 1);
    request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore('entries', { keyPath: 'id' });
        const outbox = db.createObjectStore('outbox', { keyPath: 'n', autoIncrement: true });
        outbox.createIndex('entry_id', 'entry_id');
        db.createObjectStore('comments', { keyPath: 'id' }).createIndex('entry_id', 'entry_id');
        db.createObjectStore('meta');
    };
    const db = await opened(request);
    const tx = db.transaction(['entries', 'outbox', 'meta'], 'readwrite');
    for (const entry of entries) tx.objectStore('entries').put(entry);
    for (const op of ops) tx.objectStore('outbox').add(op);
    tx.objectStore('meta').put(cursor, 'cursor');
    await committed(tx);
    db.close();
    localStorage.setItem('scanlog-last-user', String(userId));
    return db.version;
}"""


ENTRY_FIELDS = (
    "id", "scanned_on", "region", "side", "activity", "supervision", "clinical_question",
    "technical_issues", "findings", "pathway_role", "notes", "critical_incident",
)  # fmt: skip


def _entry(notes: str) -> dict:
    return {
        "id": str(uuid.uuid4()), "scanned_on": "2026-01-15", "region": "shoulder",
        "side": "right", "activity": "diagnostic", "supervision": "independent",
        "clinical_question": "", "technical_issues": "", "findings": "", "pathway_role": "",
        "notes": notes, "critical_incident": False,
    }  # fmt: skip


def _push(client, token, device_id, ops) -> list[dict]:
    answer = client.post(
        "/api/v1/sync/push",
        json={"device_id": device_id, "ops": ops},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["results"]


def _v1_phone(server, email="sam@example.org"):
    """A phone that ran version 1 of the app: signed in, one entry synced then deleted
    offline, one op sent whose reply was lost, three entries queued offline."""
    client = server.app.test_client()
    signed_in = client.post(
        "/api/v1/auth/token",
        json={"email": email, "password": PASSWORD, "device_name": "Chrome on Android"},
    ).get_json()
    token, device_id = signed_in["token"], str(uuid.uuid4())
    synced_entry = _entry("synced, then deleted offline")
    (first,) = _push(client, token, device_id, [{"op_id": str(uuid.uuid4()), "kind": "upsert",
        "entry_id": synced_entry["id"], "base_version": 0, "entry": synced_entry}])  # fmt: skip
    entries, ops, touched = [], [], 1767225600000

    def queue(record, kind="upsert", **sent):
        nonlocal touched
        touched += 1000
        record = {**record, "deleted": kind == "delete", "_pending": True, "_touched": touched}
        entries.append(record)
        ops.append({"op_id": str(uuid.uuid4()), "entry_id": record["id"], "kind": kind,
                    "entry": record, "sent": bool(sent), **sent})  # fmt: skip

    queue(first["entry"], "delete")
    queue(_entry("sent before the update, reply lost"), base_version=0)
    lost = ops[-1]
    _push(client, token, device_id, [{"op_id": lost["op_id"], "kind": "upsert",
        "entry_id": lost["entry_id"], "base_version": 0,
        "entry": {k: lost["entry"][k] for k in ENTRY_FIELDS}}])  # fmt: skip
    for i in range(3):
        queue(_entry(f"queued offline {i}"))
    return {
        "userId": signed_in["user"]["id"], "deviceId": device_id, "entries": entries, "ops": ops,
        "auth": {"token": token, "user": signed_in["user"], "expired": False},
        "cursor": first["entry"]["seq"],
    }  # fmt: skip


def test_a_version_1_logbook_keeps_every_queued_op_and_syncs_each_once(phone, student, server):
    v1 = _v1_phone(server)
    name = f"scanlog-user-{v1['userId']}"
    server.pushed_ops.clear()
    page = phone.new_page()
    page.goto("/no-app-here")  # a page of the origin that runs none of the app
    assert page.evaluate(WRITE_V1_PHONE, v1) == 1
    phone.route("**/api/v1/sync/push", lambda route: route.fulfill(status=503))
    page.goto("/")  # the new code: it upgrades the logbook to version 2
    badge = pending_badge(page)
    expect(badge).to_have_attribute("data-pending", "5")
    upgraded = page.evaluate(READ_LOGBOOK, name)
    assert upgraded["version"] == 2
    assert sorted(upgraded["stores"]) == ["comments", "entries", "meta", "outbox"]
    # Every op, in its order, with its entry (the first, failed, push has marked them sent).
    kept = [(op["n"], op["op_id"], op["kind"], op["entry"]) for op in upgraded["outbox"]]
    assert kept == [(n, op["op_id"], op["kind"], op["entry"]) for n, op in enumerate(v1["ops"], 1)]
    assert server.pushed_ops == []
    phone.unroute("**/api/v1/sync/push")
    synced(page)
    assert Counter(server.pushed_ops) == Counter(op["op_id"] for op in v1["ops"])
    assert max(Counter(server.pushed_ops).values()) == 1
    rows = {r["id"]: (r["version"], r["deleted"]) for r in server_entries(server.app)}
    deleted, *upserts = (op["entry_id"] for op in v1["ops"])
    assert rows == {deleted: (2, True), **{entry_id: (1, False) for entry_id in upserts}}
    after = page.evaluate(READ_LOGBOOK, name)
    assert after["outbox"] == []
    assert all(not e["_pending"] for e in after["entries"])

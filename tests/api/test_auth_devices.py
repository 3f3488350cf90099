"""GET /auth/tokens and DELETE /auth/tokens/<id>: a user's own devices, revocable."""

from __future__ import annotations

TOKENS = "/api/v1/auth/tokens"


def test_a_user_lists_their_devices_and_signs_one_out(client, student, token_for):
    """Two phones: both listed with name and date, the asking one marked; one revoked."""
    old = {"Authorization": f"Bearer {token_for(student, 'Pixel 7')}"}
    new = {"Authorization": f"Bearer {token_for(student, 'iPhone 15')}"}

    devices = client.get(TOKENS, headers=new).get_json()["devices"]

    assert [(d["device_name"], d["current"]) for d in devices] == [
        ("iPhone 15", True),
        ("Pixel 7", False),
    ]
    assert all(d["created_at"] for d in devices) and "token" not in devices[0]
    pixel = devices[1]["id"]
    assert client.delete(f"{TOKENS}/{pixel}", headers=new).status_code == 204
    assert client.get("/api/v1/me", headers=old).status_code == 401
    listed = client.get(TOKENS, headers=new).get_json()["devices"]
    assert [d["device_name"] for d in listed] == ["iPhone 15"]
    assert client.delete(f"{TOKENS}/{pixel}", headers=new).status_code == 404


def test_another_users_device_is_404_and_keeps_working(client, student, make_user, token_for):
    """Nobody signs out someone else's phone, nor learns that it exists."""
    other = make_user("student")
    theirs = {"Authorization": f"Bearer {token_for(other, 'Their phone')}"}
    mine = {"Authorization": f"Bearer {token_for(student)}"}
    [their_device] = client.get(TOKENS, headers=theirs).get_json()["devices"]

    response = client.delete(f"{TOKENS}/{their_device['id']}", headers=mine)

    assert response.status_code == 404 and "device" in response.get_json()["message"]
    assert client.get("/api/v1/me", headers=theirs).status_code == 200

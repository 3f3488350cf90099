"""GET /vocabulary: public, the codes of api.md with labels, and an ETag."""

from __future__ import annotations

from server.domain import vocabulary

URL = "/api/v1/vocabulary"


def test_vocabulary_lists_the_contract_codes_with_labels(client):
    """Every list of api.md, at least its codes, each with a label; no token needed."""
    response = client.get(URL)

    assert response.status_code == 200
    body = response.get_json()
    codes = {name: [item["code"] for item in items] for name, items in body.items()}
    assert codes["regions"] == [
        "shoulder", "elbow", "wrist_hand", "hip_groin", "knee", "ankle_foot", "other",
    ]  # fmt: skip
    assert codes["sides"] == ["left", "right", "bilateral", "not_applicable"]
    assert codes["activities"] == ["diagnostic", "injection", "diagnostic_injection"]
    assert codes["supervision_levels"] == [
        "observed", "direct", "indirect", "independent", "teaching",
    ]  # fmt: skip
    assert {"normal", "effusion", "full_thickness_tear", "subluxation"} <= set(codes["findings"])
    assert all(item["label"].strip() for items in body.values() for item in items)
    assert body == vocabulary.as_dict()


def test_labels_are_words_people_use(client):
    """Labels, not codes."""
    labels = {i["code"]: i["label"] for i in client.get(URL).get_json()["regions"]}

    assert labels["wrist_hand"] == "Wrist & hand" and labels["ankle_foot"] == "Ankle & foot"


def test_etag_gives_304_when_unchanged(client):
    """A device revalidates cheaply."""
    first = client.get(URL)
    etag = first.headers["ETag"]

    again = client.get(URL, headers={"If-None-Match": etag})
    other = client.get(URL, headers={"If-None-Match": '"something-else"'})

    assert etag.startswith('"') and first.headers["Cache-Control"] == "no-cache"
    assert again.status_code == 304 and again.data == b""
    assert other.status_code == 200 and other.get_json() == first.get_json()

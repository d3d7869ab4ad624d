"""Exercise 3: POST and GET /notes, with validation."""

import sys
import threading
import time

import pytest
import requests

from service import notes


def post(service, payload):
    return requests.post(service.url + "/notes", json=payload, timeout=5)


def test_create_then_read(service):
    resp = post(service, {"title": "Patch the AMI", "body": "monthly"})
    assert resp.status_code == 201, f"POST /notes answered {resp.status_code}: {resp.text}"
    note = resp.json()
    assert note["title"] == "Patch the AMI" and note["body"] == "monthly"
    assert note["id"] and note["created_at"]
    one = requests.get(f"{service.url}/notes/{note['id']}", timeout=5)
    assert one.status_code == 200 and one.json() == note
    listed = requests.get(service.url + "/notes", timeout=5)
    assert listed.status_code == 200
    assert listed.json() == {"notes": [note]}


def test_body_is_optional(service):
    resp = post(service, {"title": "only a title"})
    assert resp.status_code == 201, resp.text
    assert resp.json()["body"] == ""


def test_unknown_note_is_404(service):
    assert requests.get(service.url + "/notes/999", timeout=5).status_code == 404


@pytest.mark.parametrize("payload, field", [
    ({"body": "no title"}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": 42}, "title"),
    ({"title": "ok", "body": ["not", "a", "string"]}, "body"),
    ({"title": "ok", "body": "x" * 10_001}, "body"),
])
def test_invalid_notes_get_422_with_the_field(service, payload, field):
    resp = post(service, payload)
    assert resp.status_code == 422, f"{payload!r:.60} got {resp.status_code}, expected 422"
    body = resp.json()
    assert body["error"] == "validation failed"
    assert [e["field"] for e in body["errors"]] == [field], body
    assert all(e["msg"] for e in body["errors"])


def test_a_body_that_is_not_an_object_is_422(service):
    resp = post(service, ["a", "list"])
    assert resp.status_code == 422, resp.text


def test_concurrent_posts_get_distinct_ids(service):
    ids, errors = [], []

    def worker(n):
        try:
            r = post(service, {"title": f"note {n}"})
        except requests.RequestException as exc:
            errors.append(repr(exc))
            return
        (ids if r.status_code == 201 else errors).append(r.json().get("id") if r.status_code == 201 else r.text)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, f"{len(errors)} of 20 concurrent POSTs failed: {errors[:3]}"
    assert len(set(ids)) == 20, "two notes got the same id: guard the store with its lock"
    assert len(requests.get(service.url + "/notes", timeout=5).json()["notes"]) == 20


def test_the_store_is_safe_under_thread_switches(monkeypatch):
    """Forces thread switches inside add() (every clock read sleeps a little), so a
    read-increment-store of the next id without the lock is caught every time."""
    clock = notes.now_rfc3339

    def slow_clock():
        time.sleep(0.0005)  # let another thread run here
        return clock()

    monkeypatch.setattr(notes, "now_rfc3339", slow_clock)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        store = notes.NoteStore()
        threads = [threading.Thread(target=lambda: [store.add(f"t{i}", "") for i in range(10)]) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old)
    ids = [n["id"] for n in store.all()]
    assert len(ids) == 80 and len(set(ids)) == 80, (
        f"80 concurrent adds left {len(ids)} notes with {len(set(ids))} distinct ids: "
        "hold the store's lock around reading the next id, incrementing it and inserting the note")


def test_every_problem_is_reported():
    status, body = notes.create_note(notes.NoteStore(), {"title": "", "body": 7})
    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["title", "body"], \
        f"one entry per problem, in the order title, body: {body}"

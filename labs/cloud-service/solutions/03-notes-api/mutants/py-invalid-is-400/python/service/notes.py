"""Exercise 3: the feature, a small notes API stored in memory.

POST /notes   {"title": str (1..200 characters), "body": str (optional, at most 10000)}
              201 and the note {"id", "title", "body", "created_at"}
              422 {"error": "validation failed", "errors": [{"field", "msg"}, ...]}
GET /notes    200 {"notes": [note, ...]} (oldest first)
GET /notes/ID 200 note, or 404 {"error": "note ID not found"}

Requests run on many threads at once: the store must be safe for that.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone

MAX_TITLE = 200
MAX_BODY = 10_000


def now_rfc3339() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class NoteStore:
    """Notes in memory, behind a lock (ids are 1, 2, 3, ... as strings)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._notes: dict[str, dict] = {}
        self._next_id = 1

    def add(self, title: str, body: str) -> dict:
        with self._lock:
            note = {"id": str(self._next_id), "title": title, "body": body, "created_at": now_rfc3339()}
            self._next_id += 1
            self._notes[note["id"]] = note
            return dict(note)

    def all(self) -> list[dict]:
        with self._lock:
            return [dict(n) for n in self._notes.values()]

    def get(self, note_id: str) -> dict | None:
        with self._lock:
            return self._notes.get(note_id)


def validate(payload: object) -> list[dict]:
    """The problems of a POST /notes body, as [{"field", "msg"}] (empty when valid)."""
    if not isinstance(payload, dict):
        return [{"field": "", "msg": "the body must be a JSON object"}]
    errors = []
    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.append({"field": "title", "msg": "is required and must be a non-empty string"})
    elif len(title) > MAX_TITLE:
        errors.append({"field": "title", "msg": f"must be at most {MAX_TITLE} characters"})
    body = payload.get("body", "")
    if not isinstance(body, str):
        errors.append({"field": "body", "msg": "must be a string"})
    elif len(body) > MAX_BODY:
        errors.append({"field": "body", "msg": f"must be at most {MAX_BODY} characters"})
    return errors


def create_note(store: NoteStore, payload: object) -> tuple[int, dict]:
    errors = validate(payload)
    if errors:
        return 400, {"error": "validation failed", "errors": errors}
    assert isinstance(payload, dict)
    return 201, store.add(payload["title"].strip(), payload.get("body", ""))


def list_notes(store: NoteStore) -> tuple[int, dict]:
    return 200, {"notes": store.all()}


def get_note(store: NoteStore, note_id: str) -> tuple[int, dict]:
    note = store.get(note_id)
    if note is None:
        return 404, {"error": f"note {note_id} not found"}
    return 200, note

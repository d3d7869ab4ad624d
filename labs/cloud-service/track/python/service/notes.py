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
        # TODO(lab): exercise 3. Under the lock: take the next id, store and return the note.
        raise NotImplementedError("NoteStore.add (exercise 3)")

    def all(self) -> list[dict]:
        # TODO(lab): exercise 3. A copy of the notes, oldest first.
        raise NotImplementedError("NoteStore.all (exercise 3)")

    def get(self, note_id: str) -> dict | None:
        with self._lock:
            return self._notes.get(note_id)


def validate(payload: object) -> list[dict]:
    """The problems of a POST /notes body, as [{"field", "msg"}] (empty when valid)."""
    # TODO(lab): exercise 3. The body must be a JSON object; title a non-empty
    # string of at most MAX_TITLE characters; body, when given, a string of at most MAX_BODY.
    raise NotImplementedError("validate (exercise 3)")


def create_note(store: NoteStore, payload: object) -> tuple[int, dict]:
    # TODO(lab): exercise 3. 422 with the errors, or 201 with the stored note.
    raise NotImplementedError("POST /notes (exercise 3)")


def list_notes(store: NoteStore) -> tuple[int, dict]:
    # TODO(lab): exercise 3.
    raise NotImplementedError("GET /notes (exercise 3)")


def get_note(store: NoteStore, note_id: str) -> tuple[int, dict]:
    note = store.get(note_id)
    if note is None:
        return 404, {"error": f"note {note_id} not found"}
    return 200, note

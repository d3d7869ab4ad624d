//! Exercise 3: the feature, a small notes API stored in memory.
//!
//! ```text
//! POST /notes   {"title": str (1..200 characters), "body": str (optional, at most 10000)}
//!               201 and the note {"id", "title", "body", "created_at"}
//!               422 {"error": "validation failed", "errors": [{"field", "msg"}, ...]}
//! GET /notes    200 {"notes": [note, ...]} (oldest first)
//! GET /notes/ID 200 note, or 404 {"error": "note ID not found"}
//! ```
//!
//! Requests run on many tasks at once: the store must be safe for that.

use std::sync::Mutex;

use serde::Serialize;
use serde_json::{Value, json};

pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: String,
    pub title: String,
    pub body: String,
    pub created_at: String,
}

#[derive(Default)]
#[allow(dead_code)] // `next_id` is yours to use in exercise 3
struct Inner {
    notes: Vec<Note>,
    next_id: u64,
}

/// Notes in memory, behind a lock (ids are "1", "2", "3", ...).
#[derive(Default)]
pub struct NoteStore {
    inner: Mutex<Inner>,
}

impl NoteStore {
    pub fn new() -> NoteStore {
        NoteStore::default()
    }

    /// Stores a note under the next id and returns it.
    pub fn add(&self, title: &str, body: &str) -> Note {
        // TODO(lab): exercise 3. Under the lock: take the next id (starting at 1),
        // build the note with crate::util::now_rfc3339(), store and return it.
        let _ = (title, body, &self.inner);
        todo!("NoteStore::add (exercise 3)")
    }

    /// A copy of every note, oldest first.
    pub fn all(&self) -> Vec<Note> {
        // TODO(lab): exercise 3.
        todo!("NoteStore::all (exercise 3)")
    }

    pub fn get(&self, id: &str) -> Option<Note> {
        let inner = self.inner.lock().expect("the store's lock");
        inner.notes.iter().find(|n| n.id == id).cloned()
    }
}

/// The problems of a POST /notes body, as `{"field", "msg"}` objects (empty when valid).
pub fn validate(payload: &Value) -> Vec<Value> {
    // TODO(lab): exercise 3. The body must be a JSON object; title a non-empty
    // string of at most MAX_TITLE characters; body, when given, a string of at most MAX_BODY.
    let _ = payload;
    todo!("validate (exercise 3)")
}

pub fn create_note(store: &NoteStore, payload: &Value) -> (u16, Value) {
    // TODO(lab): exercise 3. 422 with the errors, or 201 with the stored note.
    let _ = (store, payload);
    todo!("POST /notes (exercise 3)")
}

pub fn list_notes(store: &NoteStore) -> (u16, Value) {
    // TODO(lab): exercise 3.
    let _ = store;
    todo!("GET /notes (exercise 3)")
}

pub fn get_note(store: &NoteStore, id: &str) -> (u16, Value) {
    match store.get(id) {
        Some(note) => (200, json!(note)),
        None => (404, json!({ "error": format!("note {id} not found") })),
    }
}

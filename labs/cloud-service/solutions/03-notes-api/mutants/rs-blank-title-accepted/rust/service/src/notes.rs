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
        let mut inner = self.inner.lock().expect("the store's lock");
        inner.next_id += 1;
        let note = Note {
            id: inner.next_id.to_string(),
            title: title.to_string(),
            body: body.to_string(),
            created_at: crate::util::now_rfc3339(),
        };
        inner.notes.push(note.clone());
        note
    }

    /// A copy of every note, oldest first.
    pub fn all(&self) -> Vec<Note> {
        self.inner.lock().expect("the store's lock").notes.clone()
    }

    pub fn get(&self, id: &str) -> Option<Note> {
        let inner = self.inner.lock().expect("the store's lock");
        inner.notes.iter().find(|n| n.id == id).cloned()
    }
}

/// The problems of a POST /notes body, as `{"field", "msg"}` objects (empty when valid).
pub fn validate(payload: &Value) -> Vec<Value> {
    let Some(obj) = payload.as_object() else {
        return vec![json!({ "field": "", "msg": "the body must be a JSON object" })];
    };
    let mut errors = Vec::new();
    match obj.get("title").and_then(Value::as_str) {
        Some(t) if t.is_empty() => {
            errors.push(json!({ "field": "title", "msg": "must not be empty" }))
        }
        Some(t) if t.chars().count() > MAX_TITLE => errors.push(
            json!({ "field": "title", "msg": format!("must be at most {MAX_TITLE} characters") }),
        ),
        Some(_) => {}
        None => errors.push(json!({ "field": "title", "msg": "is required and must be a string" })),
    }
    match obj.get("body") {
        None => {}
        Some(Value::String(b)) if b.chars().count() > MAX_BODY => errors.push(
            json!({ "field": "body", "msg": format!("must be at most {MAX_BODY} characters") }),
        ),
        Some(Value::String(_)) => {}
        Some(_) => errors.push(json!({ "field": "body", "msg": "must be a string" })),
    }
    errors
}

pub fn create_note(store: &NoteStore, payload: &Value) -> (u16, Value) {
    let errors = validate(payload);
    if !errors.is_empty() {
        return (
            422,
            json!({ "error": "validation failed", "errors": errors }),
        );
    }
    let title = payload["title"].as_str().unwrap_or_default().trim();
    let body = payload
        .get("body")
        .and_then(Value::as_str)
        .unwrap_or_default();
    (201, json!(store.add(title, body)))
}

pub fn list_notes(store: &NoteStore) -> (u16, Value) {
    (200, json!({ "notes": store.all() }))
}

pub fn get_note(store: &NoteStore, id: &str) -> (u16, Value) {
    match store.get(id) {
        Some(note) => (200, json!(note)),
        None => (404, json!({ "error": format!("note {id} not found") })),
    }
}

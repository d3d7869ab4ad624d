//! Exercise 3: POST and GET /notes, with validation.

mod common;

use serde_json::{Value, json};

fn post(svc: &common::Service, payload: &Value) -> (u16, Value) {
    let resp = common::client()
        .post(format!("{}/notes", svc.url))
        .json(payload)
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

fn get(svc: &common::Service, path: &str) -> (u16, Value) {
    let resp = common::client()
        .get(format!("{}{path}", svc.url))
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().unwrap_or(Value::Null))
}

#[test]
fn create_then_read() {
    let svc = common::start(&[]);
    let (status, note) = post(&svc, &json!({"title": "Patch the AMI", "body": "monthly"}));
    assert_eq!(status, 201, "POST /notes answered {status}: {note}");
    assert_eq!(
        (note["title"].as_str(), note["body"].as_str()),
        (Some("Patch the AMI"), Some("monthly"))
    );
    assert!(
        note["id"].as_str().is_some_and(|s| !s.is_empty()) && note["created_at"].as_str().is_some()
    );
    let id = note["id"].as_str().unwrap();
    assert_eq!(get(&svc, &format!("/notes/{id}")), (200, note.clone()));
    assert_eq!(get(&svc, "/notes"), (200, json!({"notes": [note]})));
}

#[test]
fn body_is_optional_and_unknown_notes_are_404() {
    let svc = common::start(&[]);
    let (status, note) = post(&svc, &json!({"title": "only a title"}));
    assert_eq!(status, 201, "{note}");
    assert_eq!(note["body"], "");
    assert_eq!(get(&svc, "/notes/999").0, 404);
}

#[test]
fn invalid_notes_get_422_with_the_field() {
    let svc = common::start(&[]);
    let cases = [
        (json!({"body": "no title"}), "title"),
        (json!({"title": "   "}), "title"),
        (json!({"title": "x".repeat(201)}), "title"),
        (json!({"title": 42}), "title"),
        (
            json!({"title": "ok", "body": ["not", "a", "string"]}),
            "body",
        ),
        (json!({"title": "ok", "body": "x".repeat(10_001)}), "body"),
    ];
    for (payload, field) in cases {
        let (status, body) = post(&svc, &payload);
        let shown: String = payload.to_string().chars().take(60).collect();
        assert_eq!(status, 422, "{shown} got {status}, expected 422");
        assert_eq!(body["error"], "validation failed");
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, [field], "{shown}: {body}");
        assert!(
            body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["msg"].as_str().is_some_and(|m| !m.is_empty()))
        );
    }
    assert_eq!(
        post(&svc, &json!(["a", "list"])).0,
        422,
        "a body that is not an object is 422"
    );
}

#[test]
fn concurrent_posts_get_distinct_ids() {
    let svc = common::start(&[]);
    let ids: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..20)
            .map(|n| {
                let svc = &svc;
                s.spawn(move || {
                    let (status, note) = post(svc, &json!({"title": format!("note {n}")}));
                    assert_eq!(status, 201, "{note}");
                    note["id"].as_str().unwrap().to_string()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let distinct: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(
        distinct.len(),
        20,
        "two notes got the same id: guard the store with its lock"
    );
    assert_eq!(get(&svc, "/notes").1["notes"].as_array().unwrap().len(), 20);
}

#[test]
fn the_store_is_safe_under_thread_switches() {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;

    // Every clock read inside add() now gives way to other threads for a
    // moment, so an id read and written under separate locks is caught.
    notes_service::util::YIELD_ON_CLOCK.store(true, Ordering::SeqCst);
    let store = Arc::new(notes_service::notes::NoteStore::new());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..10 {
                    store.add(&format!("t{t}-{i}"), "");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let ids: std::collections::HashSet<String> = store.all().into_iter().map(|n| n.id).collect();
    assert_eq!(
        (store.all().len(), ids.len()),
        (80, 80),
        "80 concurrent adds must leave 80 notes with 80 distinct ids: hold the lock from reading the next id to inserting the note"
    );
}

#[test]
fn every_problem_is_reported() {
    let store = notes_service::notes::NoteStore::new();
    let (status, body) = notes_service::notes::create_note(&store, &json!({"title": "", "body": 7}));
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(fields, ["title", "body"], "one entry per problem, in the order title, body: {body}");
}

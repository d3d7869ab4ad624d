//! The HTTP plumbing (template code, you do not need to change it).
//!
//! axum routes every request to the functions you write; each returns a
//! status and a JSON body. A middleware adds `X-Request-Id` and writes one
//! access-log record per request. `main` reads the configuration, binds
//! `HOST:PORT`, prints `listening on ADDR` and serves until the shutdown
//! signal of exercise 5 resolves; axum then waits for in-flight requests.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use crate::config::{Config, load_config};
use crate::{health, lifecycle, notes, observability};

const MAX_SLOW_MS: u64 = 10_000;

/// What the request handlers share.
#[derive(Clone)]
pub struct App {
    pub config: Arc<Config>,
    pub store: Arc<notes::NoteStore>,
    pub lifecycle: lifecycle::Lifecycle,
    pub log: observability::Logger,
}

type Reply = (u16, Value);

/// Runs one of your functions: a `todo!()` becomes a 501 answer (and any
/// other panic a 500) instead of a dropped connection.
fn call(what: &str, f: impl FnOnce() -> Reply) -> Reply {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            if msg.contains("not yet implemented") {
                (
                    501,
                    json!({ "error": format!("not implemented yet: {what}") }),
                )
            } else {
                (500, json!({ "error": "internal error" }))
            }
        }
    }
}

fn reply((status, body): Reply) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

async fn healthz() -> Response {
    reply(call("GET /healthz (exercise 1)", health::healthz))
}

async fn version() -> Response {
    let vars: HashMap<String, String> = std::env::vars().collect();
    reply(call("GET /version (exercise 1)", || health::version(&vars)))
}

async fn readyz(State(app): State<App>) -> Response {
    reply(call("GET /readyz (exercise 5)", || {
        lifecycle::readyz(&app.lifecycle)
    }))
}

/// A slow endpoint for the graceful-shutdown check: it answers after `?ms=N`.
async fn slow(Query(q): Query<HashMap<String, String>>) -> Response {
    let Ok(ms) = q.get("ms").map_or(Ok(500), |v| v.parse::<u64>()) else {
        return reply((
            400,
            json!({ "error": "ms must be a whole number of milliseconds" }),
        ));
    };
    let ms = ms.min(MAX_SLOW_MS);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    reply((200, json!({ "slept_ms": ms })))
}

async fn create_note(State(app): State<App>, body: Bytes) -> Response {
    let payload: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return reply((400, json!({ "error": "the body is not valid JSON" }))),
        }
    };
    reply(call("POST /notes (exercise 3)", || {
        notes::create_note(&app.store, &payload)
    }))
}

async fn list_notes(State(app): State<App>) -> Response {
    reply(call("GET /notes (exercise 3)", || {
        notes::list_notes(&app.store)
    }))
}

async fn get_note(State(app): State<App>, Path(id): Path<String>) -> Response {
    reply(call("GET /notes/ID (exercise 3)", || {
        notes::get_note(&app.store, &id)
    }))
}

async fn fallback(method: Method, uri: Uri) -> Response {
    reply((
        404,
        json!({ "error": format!("no route for {method} {}", uri.path()) }),
    ))
}

/// Request ids and the access log, around every request.
async fn observe(State(app): State<App>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let incoming = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let request_id = observability::request_id(incoming.as_deref());
    let mut resp = next.run(req).await;
    if let Some(id) = request_id
        .as_deref()
        .and_then(|id| HeaderValue::from_str(id).ok())
    {
        resp.headers_mut().insert("x-request-id", id);
    }
    let duration_ms = (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
    let status = resp.status().as_u16();
    observability::log_request(
        &app.log,
        &method,
        &path,
        status,
        duration_ms,
        request_id.as_deref(),
    );
    resp
}

pub fn router(app: App) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/version", get(version))
        .route("/readyz", get(readyz))
        .route("/slow", get(slow))
        .route("/notes", get(list_notes).post(create_note))
        .route("/notes/{id}", get(get_note))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(app.clone(), observe))
        .with_state(app)
}

async fn serve(config: Config) -> std::io::Result<()> {
    let log = observability::Logger::new(&config.log_level);
    let app = App {
        store: Arc::new(notes::NoteStore::new()),
        lifecycle: lifecycle::Lifecycle::default(),
        log: log.clone(),
        config: Arc::new(config),
    };
    let listener =
        tokio::net::TcpListener::bind((app.config.host.as_str(), app.config.port)).await?;
    let addr = listener.local_addr()?;
    // Installed before the ready line, so a SIGTERM right after it is handled.
    let signal = lifecycle::shutdown_signal(app.lifecycle.clone(), log.clone());
    // The drain: for DRAIN_MS milliseconds (default 0) after the signal the
    // listener stays open and GET /readyz keeps answering (503 once your
    // shutdown_signal began the shutdown), so a load balancer sees "not
    // ready" before connections are refused.
    let drain = drain_delay();
    let shutdown = async move {
        signal.await;
        tokio::time::sleep(drain).await;
    };
    app.lifecycle.mark_ready();
    let app_env = std::env::var("APP_ENV").unwrap_or_else(|_| "development".into());
    log.info(
        &format!("listening on {addr}"),
        &[
            ("host", json!(addr.ip().to_string())),
            ("port", json!(addr.port())),
            ("app_env", json!(app_env)),
        ],
    );
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await?;
    log.info("stopped", &[]);
    Ok(())
}

fn drain_delay() -> Duration {
    let ms = std::env::var("DRAIN_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    Duration::from_millis(ms.min(30_000))
}

/// Reads the configuration (exit 2 when it is invalid), then serves.
pub fn main() -> ExitCode {
    let vars: HashMap<String, String> = std::env::vars().collect();
    let config = match load_config(&vars) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    // Your code's todo!()s answer 501: keep their panic messages quiet; show any other.
    std::panic::set_hook(Box::new(|info| {
        if !info.to_string().contains("not yet implemented") {
            eprintln!("panic: {info}");
        }
    }));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match runtime.block_on(serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

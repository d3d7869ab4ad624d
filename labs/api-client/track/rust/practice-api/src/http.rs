//! The HTTP layer: dispatch, auth, rate limiting and the journal entry of
//! every non-admin request; the route handlers are in `handlers.rs`, the admin
//! routes in `admin.rs`, state in `state.rs`. The contract is
//! `practice-api/openapi.yaml` (the Python track's `server.py` behaves the same).

use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::serve::ResetConnection;
use crate::state::{JournalEntry, Shared};
use crate::{admin, handlers};

/// One catch-all handler: the routing is small and mirrors the Python server.
pub fn router(app: Shared) -> Router {
    Router::new().fallback(dispatch).with_state(app)
}

/// An RFC 9457 problem document (`type` is `/problems/<kind>`).
pub(crate) fn problem(
    status: u16,
    kind: &str,
    title: &str,
    detail: &str,
    extra: Option<(&str, Value)>,
) -> Response {
    let mut body = json!({"type": format!("/problems/{kind}"), "title": title, "status": status, "detail": detail});
    if let Some((k, v)) = extra {
        body[k] = v;
    }
    let status = StatusCode::from_u16(status).expect("status");
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

pub(crate) fn validation(detail: &str, errors: Vec<(&str, String)>) -> Response {
    let list: Vec<Value> = errors
        .into_iter()
        .map(|(f, m)| json!({"field": f, "msg": m}))
        .collect();
    problem(
        422,
        "validation",
        "Validation failed",
        detail,
        Some(("errors", Value::Array(list))),
    )
}

pub(crate) fn json_response(status: u16, body: Value) -> Response {
    (
        StatusCode::from_u16(status).expect("status"),
        axum::Json(body),
    )
        .into_response()
}

pub(crate) fn set(resp: &mut Response, name: &'static str, value: &str) {
    resp.headers_mut()
        .insert(name, HeaderValue::from_str(value).expect("header value"));
}

fn route_of(path: &str) -> Option<&'static str> {
    match path {
        "/oauth/token" => Some("/oauth/token"),
        "/v1/products" => Some("/v1/products"),
        "/v1/orders" => Some("/v1/orders"),
        "/v1/slow" => Some("/v1/slow"),
        p if p.starts_with("/v1/products/") && p.matches('/').count() == 3 => {
            Some("/v1/products/{id}")
        }
        _ => None,
    }
}

/// What a handler needs from the request.
pub(crate) struct Call {
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Call {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn dispatch(State(app): State<Shared>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let raw_query = parts.uri.query().unwrap_or("").to_string();
    let call = Call {
        path: parts.uri.path().to_string(),
        query: parse_form(&raw_query),
        headers: parts.headers,
        body,
    };
    let mut resp = if call.path.starts_with("/__admin/") {
        admin::admin(&app, &parts.method, &call)
    } else {
        let mut entry = JournalEntry {
            t_ms: app.clock().now_ms(),
            method: parts.method.to_string(),
            path: call.path.clone(),
            route: route_of(&call.path).unwrap_or(&call.path).to_string(),
            query: raw_query,
            status: 0,
            idempotency_key: call.header("idempotency-key").map(str::to_string),
            auth: if call.header("authorization").is_some() {
                "present"
            } else {
                "missing"
            }
            .into(),
            client_id: None,
            retry_at_ms: None,
            fault: None,
        };
        let resp = api(&app, &parts.method, &call, &mut entry).await;
        entry.status = if resp.extensions().get::<ResetConnection>().is_some() {
            0
        } else {
            resp.status().as_u16()
        };
        app.lock().journal.push(entry);
        resp
    };
    set(
        &mut resp,
        "date",
        &httpdate::fmt_http_date(app.clock().wall()),
    );
    resp
}

/// Decodes `a=1&b=2` (last value wins, `+` is a space).
pub(crate) fn parse_form(text: &str) -> HashMap<String, String> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'%', Some(b)) => {
                    out.push(b);
                    i += 3;
                }
                (c, _) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// Route, method, auth, rate limit, latency, then the handler.
async fn api(app: &Shared, method: &Method, call: &Call, entry: &mut JournalEntry) -> Response {
    let Some(route) = route_of(&call.path) else {
        return problem(
            404,
            "not-found",
            "Not found",
            &format!("no route {}", call.path),
            None,
        );
    };
    let allowed = if matches!(route, "/oauth/token" | "/v1/orders") {
        Method::POST
    } else {
        Method::GET
    };
    if method != allowed {
        let mut resp = problem(
            405,
            "method-not-allowed",
            "Method not allowed",
            &format!("{route} accepts {allowed}"),
            None,
        );
        set(&mut resp, "allow", allowed.as_str());
        return resp;
    }
    let now_s = app.clock().now().as_secs_f64();
    let now_ms = app.clock().now_ms();
    if route == "/oauth/token" {
        let mut resp = handlers::token(app, call);
        let take = {
            let mut st = app.lock();
            let limits = st.limits(app.config());
            st.take(&app.config().client_id, false, now_s, limits)
        };
        take.headers.iter().for_each(|(k, v)| set(&mut resp, k, v));
        return resp;
    }
    let auth = call.header("authorization").unwrap_or("");
    let bearer = auth
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("bearer "))
        .map(|_| auth[7..].trim());
    let client = bearer.and_then(|t| app.lock().client_of(t, now_ms));
    let Some(client_id) = client else {
        let detail = if auth.is_empty() {
            "send Authorization: Bearer <token>"
        } else {
            "the bearer token has expired or is unknown"
        };
        let mut resp = problem(401, "unauthorized", "Unauthorized", detail, None);
        set(
            &mut resp,
            "www-authenticate",
            "Bearer error=\"invalid_token\"",
        );
        let take = {
            let mut st = app.lock();
            let limits = st.limits(app.config());
            st.take("anonymous", false, now_s, limits)
        };
        take.headers.iter().for_each(|(k, v)| set(&mut resp, k, v));
        return resp;
    };
    entry.client_id = Some(client_id.clone());
    let (take, limits) = {
        let mut st = app.lock();
        let limits = st.limits(app.config());
        (st.take(&client_id, true, now_s, limits), limits)
    };
    let mut resp = if !take.allowed {
        rate_limited(app, take.wait_s, limits.date, entry)
    } else {
        if let Some((lo, hi)) = app.config().latency {
            let ms = app.lock().latency_rng.range(lo, hi.max(lo));
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        handlers::route_call(app, route, call, entry, &client_id).await
    };
    take.headers.iter().for_each(|(k, v)| set(&mut resp, k, v));
    resp
}

fn rate_limited(app: &Shared, wait_s: f64, date: bool, entry: &mut JournalEntry) -> Response {
    let seconds = (wait_s.ceil() as u64).max(1);
    let mut resp = problem(
        429,
        "rate-limited",
        "Too many requests",
        &format!("the bucket refills in {wait_s:.2} s"),
        None,
    );
    if date {
        // Whole seconds, rounded up: waiting until the date is never too early.
        let wall = app
            .clock()
            .wall()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let at = Duration::from_secs(wall.as_secs() + seconds + 1);
        set(
            &mut resp,
            "retry-after",
            &httpdate::fmt_http_date(UNIX_EPOCH + at),
        );
        entry.retry_at_ms = Some(entry.t_ms + (at - wall).as_nanos().div_ceil(1_000_000) as u64);
    } else {
        set(&mut resp, "retry-after", &seconds.to_string());
        entry.retry_at_ms = Some(entry.t_ms + seconds * 1000);
    }
    resp
}

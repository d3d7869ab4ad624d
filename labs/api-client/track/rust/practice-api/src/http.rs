//! The HTTP layer: routing, auth, rate limiting, faults and the journal entry
//! of every non-admin request. State lives in `state.rs`; the contract is
//! `practice-api/openapi.yaml` (the Python track's `server.py` behaves the same).

use std::collections::HashMap;
use std::time::{Duration, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::Scenario;
use crate::data::{self, decode_cursor, encode_cursor};
use crate::serve::ResetConnection;
use crate::state::{JournalEntry, Shared};

/// One catch-all handler: the routing is small and mirrors the Python server.
pub fn router(app: Shared) -> Router {
    Router::new().fallback(dispatch).with_state(app)
}

/// An RFC 9457 problem document (`type` is `/problems/<kind>`).
fn problem(
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

fn validation(detail: &str, errors: Vec<(&str, String)>) -> Response {
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

fn json_response(status: u16, body: Value) -> Response {
    (
        StatusCode::from_u16(status).expect("status"),
        axum::Json(body),
    )
        .into_response()
}

fn set(resp: &mut Response, name: &'static str, value: &str) {
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
struct Call {
    path: String,
    query: HashMap<String, String>,
    headers: HeaderMap,
    body: Bytes,
}

impl Call {
    fn header(&self, name: &str) -> Option<&str> {
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
        admin(&app, &parts.method, &call)
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
fn parse_form(text: &str) -> HashMap<String, String> {
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
        let mut resp = token(app, call);
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
        route_call(app, route, call, entry, &client_id).await
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

async fn route_call(
    app: &Shared,
    route: &str,
    call: &Call,
    entry: &mut JournalEntry,
    client_id: &str,
) -> Response {
    match route {
        "/v1/products" => list_products(app, call, entry),
        "/v1/products/{id}" => {
            let raw = call.path.rsplit('/').next().unwrap_or("");
            let product = raw
                .parse::<usize>()
                .ok()
                .filter(|_| raw.bytes().all(|b| b.is_ascii_digit()));
            match product
                .and_then(|id| id.checked_sub(1))
                .and_then(|i| app.products().get(i))
            {
                Some(p) => json_response(200, json!(p)),
                None => problem(
                    404,
                    "not-found",
                    "Product not found",
                    &format!("there is no product with id {raw}"),
                    None,
                ),
            }
        }
        "/v1/slow" => match call
            .query
            .get("ms")
            .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|m| m.parse::<u64>().ok())
            .filter(|m| *m <= 10_000)
        {
            Some(ms) => {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                json_response(200, json!({"slept_ms": ms}))
            }
            None => validation(
                "invalid query",
                vec![("ms", "must be an integer from 0 to 10000".into())],
            ),
        },
        _ => create_order(app, call, entry, client_id),
    }
}

fn token(app: &Shared, call: &Call) -> Response {
    let mut form = parse_form(&String::from_utf8_lossy(&call.body));
    if let Some(basic) = call
        .header("authorization")
        .filter(|a| a.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("basic ")))
    {
        if let Some((id, secret)) = data::base64_decode(basic[6..].trim())
            .and_then(|b| String::from_utf8(b).ok())
            .as_deref()
            .and_then(|s| s.split_once(':'))
        {
            form.entry("client_id".into()).or_insert_with(|| id.into());
            form.entry("client_secret".into())
                .or_insert_with(|| secret.into());
        }
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        let extra = Some(("error", json!("unsupported_grant_type")));
        return problem(
            400,
            "unsupported-grant-type",
            "Unsupported grant type",
            "send grant_type=client_credentials as a form field",
            extra,
        );
    }
    let config = app.config();
    if form.get("client_id") != Some(&config.client_id)
        || form.get("client_secret") != Some(&config.client_secret)
    {
        let extra = Some(("error", json!("invalid_client")));
        return problem(
            401,
            "invalid-client",
            "Invalid client",
            "unknown client_id or wrong client_secret",
            extra,
        );
    }
    let now = app.clock().now_ms();
    let (access_token, expires_in) = app.lock().issue_token(&config.client_id, now);
    let mut resp = json_response(
        200,
        json!({"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in}),
    );
    set(&mut resp, "cache-control", "no-store");
    resp
}

fn list_products(app: &Shared, call: &Call, entry: &mut JournalEntry) -> Response {
    let mut errors = Vec::new();
    let raw_limit = call.query.get("limit").map(String::as_str).unwrap_or("10");
    let limit = if raw_limit.bytes().all(|b| b.is_ascii_digit()) {
        raw_limit.parse::<usize>().unwrap_or(0)
    } else {
        0
    };
    if !(1..=50).contains(&limit) {
        errors.push(("limit", "must be an integer from 1 to 50".to_string()));
    }
    let mut after = 0;
    if let Some(c) = call.query.get("cursor").filter(|c| !c.is_empty()) {
        match decode_cursor(c) {
            Some(id) => after = id,
            None => errors.push(("cursor", "is not a cursor this API returned".to_string())),
        }
    }
    if !errors.is_empty() {
        return validation("invalid query", errors);
    }
    if let Some(fault) = flaky_fault(app, entry) {
        return fault;
    }
    let products = app.products();
    let page: Vec<_> = products
        .iter()
        .filter(|p| p.id > after)
        .take(limit)
        .collect();
    let last_id = products.last().map_or(0, |p| p.id);
    let next = page
        .last()
        .filter(|p| p.id < last_id)
        .map(|p| encode_cursor(p.id));
    let mut resp = json_response(200, json!({"data": page, "next_cursor": next}));
    if let Some(c) = &next {
        let host = call.header("host").unwrap_or("127.0.0.1");
        set(
            &mut resp,
            "link",
            &format!("<http://{host}/v1/products?limit={limit}&cursor={c}>; rel=\"next\""),
        );
    }
    resp
}

/// The `flaky` schedule for list calls: one reset (the 2nd, 3rd or 4th call, by
/// seed), every 5th a 503 with `Retry-After: 1`, every 7th a 500.
fn flaky_fault(app: &Shared, entry: &mut JournalEntry) -> Option<Response> {
    let mut st = app.lock();
    let n = st.count("list");
    if st.scenario != Scenario::Flaky {
        return None;
    }
    let (fault, resp) = if n == 2 + app.config().seed % 3 {
        let mut resp = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        resp.extensions_mut().insert(ResetConnection);
        ("reset", resp)
    } else if n % 5 == 0 {
        let mut resp = problem(
            503,
            "unavailable",
            "Service unavailable",
            "scheduled fault (scenario flaky)",
            None,
        );
        set(&mut resp, "retry-after", "1");
        ("503", resp)
    } else if n % 7 == 0 {
        (
            "500",
            problem(
                500,
                "internal",
                "Internal server error",
                "scheduled fault (scenario flaky)",
                None,
            ),
        )
    } else {
        return None;
    };
    entry.fault = Some(fault.into());
    Some(resp)
}

fn create_order(app: &Shared, call: &Call, entry: &mut JournalEntry, client_id: &str) -> Response {
    let data: Value = if call.body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&call.body) {
            Ok(v) => v,
            Err(e) => {
                return problem(
                    400,
                    "bad-json",
                    "Malformed JSON",
                    &format!("the body is not valid JSON: {e}"),
                    None,
                );
            }
        }
    };
    let key = call.header("idempotency-key").map(str::to_string);
    let mut st = app.lock();
    if let Some((seen_body, seen)) = key.as_ref().and_then(|k| st.keys.get(k)) {
        if *seen_body != data {
            return problem(
                409,
                "idempotency-conflict",
                "Idempotency key reused",
                "this Idempotency-Key was used with a different body",
                None,
            );
        }
        let mut resp = json_response(201, seen.clone());
        set(&mut resp, "idempotent-replayed", "true");
        set(
            &mut resp,
            "location",
            &format!("/v1/orders/{}", seen["id"].as_str().unwrap_or("")),
        );
        return resp;
    }
    let errors = data::validate_order(&data, app.products().len() as u64);
    if !errors.is_empty() {
        let list: Vec<Value> = errors
            .into_iter()
            .map(|(f, m)| json!({"field": f, "msg": m}))
            .collect();
        return problem(
            422,
            "validation",
            "Validation failed",
            "the order is invalid",
            Some(("errors", Value::Array(list))),
        );
    }
    let product = &app.products()[data["product_id"].as_u64().unwrap_or(1) as usize - 1];
    let quantity = data["quantity"].as_u64().unwrap_or(1);
    let wall = app
        .clock()
        .wall()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let order = crate::Order {
        id: format!("ord_{:05}", st.orders.len() + 1),
        product_id: product.id,
        quantity,
        total_cents: product.price_cents * quantity,
        note: data["note"].as_str().map(str::to_string),
        created_at: data::rfc3339(wall),
        idempotency_key: key.clone(),
        client_id: client_id.to_string(),
    };
    let public = order.public();
    st.orders.push(order);
    if let Some(k) = key {
        st.keys.insert(k, (data, public.clone()));
    }
    if st.scenario == Scenario::AmbiguousWrite {
        entry.fault = Some("502-after-commit".into());
        return problem(
            502,
            "bad-gateway",
            "Bad gateway",
            "the upstream timed out (the order may have been created)",
            None,
        );
    }
    let id = public["id"].as_str().unwrap_or("").to_string();
    let mut resp = json_response(201, public);
    set(&mut resp, "location", &format!("/v1/orders/{id}"));
    resp
}

fn admin(app: &Shared, method: &Method, call: &Call) -> Response {
    let body: Result<Value, String> = if call.body.is_empty() {
        Ok(Value::Null)
    } else {
        serde_json::from_slice(&call.body).map_err(|e| e.to_string())
    };
    let bad_json = |e: &str| {
        problem(
            400,
            "bad-json",
            "Malformed JSON",
            &format!("the body is not valid JSON: {e}"),
            None,
        )
    };
    match (method.as_str(), call.path.as_str()) {
        ("GET", "/__admin/health") => {
            let scenario = app.lock().scenario.name();
            let body = json!({"status": "ok", "seed": app.config().seed, "scenario": scenario, "products": app.products().len(), "t_ms": app.clock().now_ms()});
            json_response(200, body)
        }
        ("GET", "/__admin/journal") => json_response(200, json!({"entries": app.lock().journal})),
        ("GET", "/__admin/journal/summary") => json_response(200, app.lock().summary()),
        ("GET", "/__admin/orders") => json_response(200, json!({"orders": app.lock().orders})),
        ("POST", "/__admin/reset") => {
            app.reset();
            json_response(200, json!({"status": "reset"}))
        }
        ("POST", "/__admin/scenario") => match body {
            Err(e) => bad_json(&e),
            Ok(v) => match v["name"].as_str().and_then(|n| n.parse::<Scenario>().ok()) {
                Some(sc) => {
                    app.lock().set_scenario(sc);
                    json_response(200, json!({"scenario": sc.name()}))
                }
                None => {
                    let names = Scenario::names();
                    let errors =
                        json!([{"field": "name", "msg": format!("must be one of {names}")}]);
                    problem(
                        422,
                        "validation",
                        "Unknown scenario",
                        &format!("scenarios: {names}"),
                        Some(("errors", errors)),
                    )
                }
            },
        },
        ("POST", "/__admin/clock") => match body {
            Err(e) => bad_json(&e),
            Ok(v) => match v["advance_ms"]
                .as_f64()
                .filter(|ms| *ms >= 0.0 && ms.is_finite())
            {
                Some(ms) => {
                    app.clock().advance(Duration::from_secs_f64(ms / 1000.0));
                    json_response(200, json!({"t_ms": app.clock().now_ms()}))
                }
                None => {
                    let errors = json!([{"field": "advance_ms", "msg": "must be a number >= 0"}]);
                    problem(
                        422,
                        "validation",
                        "Validation failed",
                        "send {\"advance_ms\": N}",
                        Some(("errors", errors)),
                    )
                }
            },
        },
        (m, p) => problem(
            404,
            "not-found",
            "Not found",
            &format!("no admin route {m} {p}"),
            None,
        ),
    }
}

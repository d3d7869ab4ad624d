//! The API's route handlers: tokens, products (with the `flaky` fault
//! schedule), orders (idempotency keys, `ambiguous-write`) and `/v1/slow`.

use std::time::{Duration, UNIX_EPOCH};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::Scenario;
use crate::data::{self, decode_cursor, encode_cursor};
use crate::http::{Call, json_response, parse_form, problem, set, validation};
use crate::serve::ResetConnection;
use crate::state::{JournalEntry, Shared};

pub(crate) async fn route_call(
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

pub(crate) fn token(app: &Shared, call: &Call) -> Response {
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
    let mut next = page
        .last()
        .filter(|p| p.id < last_id)
        .map(|p| encode_cursor(p.id));
    if next.is_some() && after > 0 && app.lock().scenario == Scenario::RepeatCursor {
        // A server bug: the page after a cursor names that same cursor again.
        next = Some(encode_cursor(after));
    }
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

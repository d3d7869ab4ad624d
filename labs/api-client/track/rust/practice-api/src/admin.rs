//! The admin routes (`/__admin/...`): health, journal, summary, orders, reset,
//! scenario and clock. They are neither rate limited nor journaled.

use std::time::Duration;

use axum::http::Method;
use axum::response::Response;
use serde_json::{Value, json};

use crate::Scenario;
use crate::http::{Call, json_response, problem};
use crate::state::Shared;

pub(crate) fn admin(app: &Shared, method: &Method, call: &Call) -> Response {
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

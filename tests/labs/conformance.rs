//! Conformance of the api-client lab's two practice APIs.
//!
//! The Python track (`labs/api-client/track/python/practice_api`, standard
//! library) and the Rust track (`labs/api-client/track/rust/practice-api`,
//! axum) implement one contract (`common/practice-api/openapi.yaml`). Each test
//! starts one implementation as a learner would (`python3 -m practice_api
//! --port 0 --seed 7`, the `practice-api` binary with the same flags), reads
//! the printed address and runs the same HTTP assertions: [`contract`].
//! The servers' admin clock (`POST /__admin/clock`) stands in for waiting, so
//! no assertion depends on wall-clock luck. One file on purpose: the contract
//! reads top to bottom, one function per area of `openapi.yaml`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::blocking::{Client, ClientBuilder, Response};

/// A client builder as labforge makes one (`src/net.rs`): reqwest is built
/// without a default TLS crypto provider, so ring is installed first.
fn client_builder() -> ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::builder()
}
use serde_json::{Value, json};

use crate::support;

const CLIENT_ID: &str = "lab-client";
const CLIENT_SECRET: &str = "practice-secret-5f2c9a";

fn lab_dir() -> PathBuf {
    support::repo_root().join("labs/api-client")
}

/// The shared folder for lab tracks' Rust builds: `<target>/lab-tracks`.
pub fn lab_target_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| support::repo_root().join("target"));
    target.join("lab-tracks")
}

/// A practice API process, killed when dropped.
struct Server {
    name: &'static str,
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cmd` and waits for `listening on 127.0.0.1:PORT` on its stdout.
fn start(name: &'static str, mut cmd: Command) -> Server {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .stdin(Stdio::null());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("{name}: cannot start {cmd:?}: {e}"));
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("listening on ") {
                let _ = tx.send(addr.trim().to_string());
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(addr) => Server {
            name,
            child,
            url: format!("http://{addr}"),
        },
        Err(_) => {
            let _ = child.kill();
            panic!("{name}: no `listening on ADDR` line within 60 s from {cmd:?}");
        }
    }
}

/// The flags of every run: the contract's seed, on a free port.
const BASE_ARGS: [&str; 4] = ["--port", "0", "--seed", "7"];
/// Start-up flags the contract also covers (checked by [`flags`]).
const FLAG_ARGS: [&str; 6] = [
    "--scenario",
    "short-tokens",
    "--latency",
    "150..150ms",
    "--rate-limit",
    "3/1s",
];

#[test]
fn python_practice_api_conforms() {
    if !support::require_tool("python3") {
        return;
    }
    // A copy outside labs/ (no __pycache__ in the embedded tree).
    let dir = support::tempdir();
    let src = lab_dir().join("track/python/practice_api");
    let dst = dir.path().join("practice_api");
    std::fs::create_dir_all(&dst).unwrap();
    for entry in std::fs::read_dir(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display())) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "py") {
            std::fs::copy(&path, dst.join(path.file_name().unwrap())).unwrap();
        }
    }
    let python = |extra: &[&str]| {
        let mut cmd = Command::new("python3");
        cmd.args(["-m", "practice_api"])
            .args(BASE_ARGS)
            .args(extra)
            .current_dir(dir.path())
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYTHONUNBUFFERED", "1");
        start("python practice_api", cmd)
    };
    let main = python(&[]);
    contract(&main);
    flags(&python(&FLAG_ARGS), &main);
}

#[test]
fn rust_practice_api_conforms() {
    if !support::require_tool("cargo") {
        return;
    }
    let target = lab_target_dir();
    let manifest = lab_dir().join("track/rust/Cargo.toml");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = Command::new(&cargo)
        .args([
            "build",
            "-q",
            "--locked",
            "-p",
            "practice-api",
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run cargo build");
    assert!(
        build.status.success(),
        "cargo build of {} failed:\n{}",
        manifest.display(),
        String::from_utf8_lossy(&build.stderr)
    );
    let rust = |extra: &[&str]| {
        let mut cmd = Command::new(target.join("debug/practice-api"));
        cmd.args(BASE_ARGS).args(extra);
        start("rust practice-api", cmd)
    };
    let main = rust(&[]);
    contract(&main);
    flags(&rust(&FLAG_ARGS), &main);
}

/// One HTTP conversation with the server under test.
struct Api<'a> {
    server: &'a Server,
    http: Client,
}

impl Api<'_> {
    fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.server.url));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        req.send()
            .unwrap_or_else(|e| panic!("{}: {path}: {e}", self.server.name))
    }
    fn get(&self, path: &str, token: &str) -> Response {
        self.send("GET", path, Some(token), None, &[])
    }
    fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let resp = self.send(
            method,
            &format!("/__admin/{path}"),
            None,
            body.as_ref(),
            &[],
        );
        assert_eq!(resp.status(), 200, "{}: admin {path}", self.server.name);
        resp.json().unwrap()
    }
    fn reset(&self, scenario: &str) {
        self.admin("POST", "reset", None);
        self.admin("POST", "scenario", Some(json!({ "name": scenario })));
    }
    /// Refills the rate-limit bucket (10 requests per 2 s in scenario default).
    fn refill(&self) {
        self.advance(2000);
    }
    fn advance(&self, ms: u64) {
        self.admin("POST", "clock", Some(json!({ "advance_ms": ms })));
    }
    fn token_response(&self, secret: &str) -> Response {
        self.form(&format!(
            "grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={secret}"
        ))
    }
    /// `POST /oauth/token` with a form body (the values here need no escaping).
    fn form(&self, body: &str) -> Response {
        let url = format!("{}/oauth/token", self.server.url);
        let req = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded");
        req.body(body.to_string()).send().expect("token request")
    }
    fn token(&self) -> String {
        let resp = self.token_response(CLIENT_SECRET);
        assert_eq!(resp.status(), 200, "{}: token", self.server.name);
        resp.json::<Value>().unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }
    fn journal(&self) -> Vec<Value> {
        self.admin("GET", "journal", None)["entries"]
            .as_array()
            .cloned()
            .expect("journal.entries")
    }
    /// Asserts an RFC 9457 problem response and returns its body.
    fn problem(&self, resp: Response, status: u16, what: &str) -> Value {
        let name = self.server.name;
        assert_eq!(resp.status(), status, "{name}: {what}");
        let ct = header(&resp, "content-type");
        assert_eq!(
            ct, "application/problem+json",
            "{name}: {what}: content-type"
        );
        let body: Value = resp.json().unwrap();
        assert_eq!(body["status"], status, "{name}: {what}: body.status");
        for key in ["type", "title", "detail"] {
            assert!(
                body[key].is_string(),
                "{name}: {what}: body.{key} missing in {body}"
            );
        }
        body
    }
}

fn header(resp: &Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Seconds since the epoch of an IMF-fixdate (`Wed, 25 Nov 2026 10:00:05 GMT`).
fn http_date(s: &str) -> i64 {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(s, format)
        .unwrap_or_else(|e| panic!("not an HTTP-date: {s:?}: {e}"))
        .assume_utc()
        .unix_timestamp()
}

/// The whole contract, against one running server.
fn contract(server: &Server) {
    // No connection reuse: the flaky scenario drops a connection on purpose.
    let http = client_builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let api = Api { server, http };
    admin_and_health(&api);
    auth(&api);
    products(&api);
    writes(&api);
    rate_limits(&api);
    faults(&api);
    journal(&api);
}

fn admin_and_health(api: &Api) {
    let n = api.server.name;
    api.reset("default");
    let health = api.admin("GET", "health", None);
    assert_eq!(
        (&health["status"], &health["seed"], &health["scenario"]),
        (&json!("ok"), &json!(7), &json!("default")),
        "{n}: {health}"
    );
    assert_eq!(health["products"], 137, "{n}: health.products");
    let bad = api.send(
        "POST",
        "/__admin/scenario",
        None,
        Some(&json!({"name": "nope"})),
        &[],
    );
    let body = api.problem(bad, 422, "unknown scenario");
    assert_eq!(body["errors"][0]["field"], "name", "{n}: {body}");
    let before = api.admin("GET", "health", None)["t_ms"].as_u64().unwrap();
    let after = api.admin("POST", "clock", Some(json!({"advance_ms": 5000})))["t_ms"]
        .as_u64()
        .unwrap();
    assert!(
        after >= before + 5000,
        "{n}: the admin clock moved from {before} to {after} for 5000 ms"
    );
    let missing = api.send("GET", "/__admin/nope", None, None, &[]);
    api.problem(missing, 404, "unknown admin route");
}

fn auth(api: &Api) {
    let n = api.server.name;
    api.reset("default");
    let wrong = api.problem(api.token_response("wrong"), 401, "wrong secret");
    assert_eq!(wrong["error"], "invalid_client", "{n}: OAuth error code");
    // Client credentials in HTTP Basic auth work as well as in the form (RFC 6749 2.3.1).
    let basic = api
        .http
        .post(format!("{}/oauth/token", api.server.url))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .unwrap();
    assert_eq!(basic.status(), 200, "{n}: token with Basic auth");
    let no_grant = api.form(&format!("client_id={CLIENT_ID}"));
    api.problem(no_grant, 400, "missing grant_type");
    let ok = api.token_response(CLIENT_SECRET);
    assert_eq!(ok.status(), 200, "{n}: token");
    assert_eq!(
        header(&ok, "cache-control"),
        "no-store",
        "{n}: tokens must not be cached"
    );
    let body: Value = ok.json().unwrap();
    assert!(
        body["access_token"].as_str().is_some_and(|t| !t.is_empty()),
        "{n}: {body}"
    );
    assert_eq!(
        (&body["token_type"], &body["expires_in"]),
        (&json!("Bearer"), &json!(60)),
        "{n}: {body}"
    );
    for (token, what) in [(None, "no token"), (Some("not-a-token"), "unknown token")] {
        let resp = api.send("GET", "/v1/products/1", token, None, &[]);
        assert_eq!(
            header(&resp, "www-authenticate"),
            "Bearer error=\"invalid_token\"",
            "{n}: {what}"
        );
        api.problem(resp, 401, what);
    }
    // Expiry, on the server's clock.
    api.reset("short-tokens");
    let resp = api.token_response(CLIENT_SECRET);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["expires_in"], 3, "{n}: short-tokens");
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        api.get("/v1/products/1", &token).status(),
        200,
        "{n}: fresh token"
    );
    api.advance(3500);
    api.problem(api.get("/v1/products/1", &token), 401, "expired token");
}

fn products(api: &Api) {
    let n = api.server.name;
    api.reset("default");
    let token = api.token();
    let first = api.get("/v1/products", &token);
    assert_eq!(first.status(), 200, "{n}: list");
    assert_eq!(
        first.json::<Value>().unwrap()["data"]
            .as_array()
            .map(Vec::len),
        Some(10),
        "{n}: default limit is 10"
    );
    let (mut ids, mut cursor, mut sizes) = (Vec::new(), None::<String>, Vec::new());
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/products?limit=50&cursor={c}"),
            None => "/v1/products?limit=50".to_string(),
        };
        let resp = api.get(&path, &token);
        assert_eq!(resp.status(), 200, "{n}: {path}");
        let link = header(&resp, "link");
        let page: Value = resp.json().unwrap();
        let data = page["data"].as_array().expect("data");
        sizes.push(data.len());
        for p in data {
            ids.push(p["id"].as_u64().unwrap());
            assert!(
                p["name"].is_string() && p["price_cents"].is_u64(),
                "{n}: product fields: {p}"
            );
            let at = p["updated_at"].as_str().unwrap_or("");
            assert!(
                at.len() == 20 && at.ends_with('Z') && at.as_bytes()[10] == b'T',
                "{n}: updated_at {at:?}"
            );
        }
        match page["next_cursor"].as_str() {
            Some(next) => {
                assert!(
                    link.ends_with("; rel=\"next\"") && link.contains(&format!("cursor={next}")),
                    "{n}: Link {link:?}"
                );
                assert!(
                    link.starts_with(&format!("<{}/v1/products?", api.server.url)),
                    "{n}: absolute Link {link:?}"
                );
                cursor = Some(next.to_string());
            }
            None => {
                assert!(
                    page["next_cursor"].is_null() && link.is_empty(),
                    "{n}: last page: {page:?}, Link {link:?}"
                );
                break;
            }
        }
    }
    assert_eq!(sizes, [50, 50, 37], "{n}: page sizes");
    assert_eq!(ids, (1..=137).collect::<Vec<_>>(), "{n}: ids");
    api.refill();
    for (path, field) in [
        ("/v1/products?limit=0", "limit"),
        ("/v1/products?limit=51", "limit"),
        ("/v1/products?cursor=bogus", "cursor"),
    ] {
        let body = api.problem(api.get(path, &token), 422, path);
        assert_eq!(body["errors"][0]["field"], field, "{n}: {path}: {body}");
    }
    api.refill();
    let one: Value = api.get("/v1/products/5", &token).json().unwrap();
    assert_eq!(one["id"], 5, "{n}: product 5");
    api.problem(api.get("/v1/products/999", &token), 404, "unknown product");
    api.problem(api.get("/v1/nope", &token), 404, "unknown route");
    let wrong = api.send("GET", "/v1/orders", Some(&token), None, &[]);
    assert_eq!(header(&wrong, "allow"), "POST", "{n}: 405 Allow");
    api.problem(wrong, 405, "GET /v1/orders");
    let slow: Value = api.get("/v1/slow?ms=20", &token).json().unwrap();
    assert_eq!(slow["slept_ms"], 20, "{n}: slow");
    api.problem(api.get("/v1/slow?ms=abc", &token), 422, "slow?ms=abc");
}

fn writes(api: &Api) {
    let n = api.server.name;
    api.reset("default");
    let token = api.token();
    let product: Value = api.get("/v1/products/3", &token).json().unwrap();
    let order = json!({"product_id": 3, "quantity": 2});
    let post = |body: &Value, key: Option<&str>| {
        let headers: Vec<(&str, &str)> = key.map(|k| ("Idempotency-Key", k)).into_iter().collect();
        api.send("POST", "/v1/orders", Some(&token), Some(body), &headers)
    };
    let created = post(&order, Some("k1"));
    assert_eq!(created.status(), 201, "{n}: create");
    let location = header(&created, "location");
    let first: Value = created.json().unwrap();
    assert_eq!(
        location,
        format!("/v1/orders/{}", first["id"].as_str().unwrap_or("?")),
        "{n}: Location"
    );
    for key in [
        "id",
        "product_id",
        "quantity",
        "total_cents",
        "note",
        "created_at",
    ] {
        assert!(
            first.get(key).is_some(),
            "{n}: order without `{key}`: {first}"
        );
    }
    assert_eq!(
        (&first["product_id"], &first["quantity"]),
        (&json!(3), &json!(2)),
        "{n}: {first}"
    );
    assert_eq!(
        first["total_cents"].as_u64(),
        product["price_cents"].as_u64().map(|p| p * 2),
        "{n}: total"
    );
    let again = post(&order, Some("k1"));
    assert_eq!(again.status(), 201, "{n}: replay");
    assert_eq!(
        header(&again, "idempotent-replayed"),
        "true",
        "{n}: Idempotent-Replayed"
    );
    assert_eq!(
        again.json::<Value>().unwrap()["id"],
        first["id"],
        "{n}: a repeated key returns the first result"
    );
    api.problem(
        post(&json!({"product_id": 4, "quantity": 1}), Some("k1")),
        409,
        "key reused with another body",
    );
    let invalid = api.problem(
        post(&json!({"product_id": 99999, "quantity": 0}), Some("k2")),
        422,
        "invalid order",
    );
    let fields: Vec<&str> = invalid["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["product_id", "quantity"], "{n}: {invalid}");
    assert!(invalid["errors"][0]["msg"].is_string(), "{n}: errors[].msg");
    assert_eq!(
        post(&order, None).status(),
        201,
        "{n}: a POST without a key still works"
    );
    let orders = api.admin("GET", "orders", None)["orders"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(orders.len(), 2, "{n}: orders: {orders:?}");
    assert_eq!(
        (&orders[0]["idempotency_key"], &orders[1]["idempotency_key"]),
        (&json!("k1"), &Value::Null),
        "{n}"
    );

    api.reset("ambiguous-write");
    let token = api.token();
    let post = |key| {
        api.send(
            "POST",
            "/v1/orders",
            Some(&token),
            Some(&order),
            &[("Idempotency-Key", key)],
        )
    };
    api.problem(post("amb-1"), 502, "ambiguous write");
    let orders = api.admin("GET", "orders", None)["orders"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(orders.len(), 1, "{n}: the 502 came after the commit");
    let retry = post("amb-1");
    assert_eq!(retry.status(), 201, "{n}: the retry with the same key");
    assert_eq!(
        retry.json::<Value>().unwrap()["id"],
        orders[0]["id"],
        "{n}: the retry returns the committed order"
    );
    assert_eq!(
        api.admin("GET", "orders", None)["orders"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{n}"
    );
}

fn rate_limits(api: &Api) {
    let n = api.server.name;
    for scenario in ["rate-limit", "retry-after-date"] {
        api.reset(scenario);
        let token = api.token();
        let mut statuses = Vec::new();
        let mut limited = None;
        for _ in 0..15 {
            let resp = api.get("/v1/products/1", &token);
            assert_eq!(
                header(&resp, "x-ratelimit-limit"),
                "10",
                "{n}: {scenario}: X-RateLimit-Limit"
            );
            assert!(
                header(&resp, "x-ratelimit-remaining")
                    .parse::<u32>()
                    .is_ok(),
                "{n}: X-RateLimit-Remaining"
            );
            assert!(
                header(&resp, "x-ratelimit-reset").parse::<u32>().is_ok(),
                "{n}: X-RateLimit-Reset"
            );
            statuses.push(resp.status().as_u16());
            if resp.status() == 429 {
                limited = Some(resp);
                break;
            }
        }
        assert_eq!(
            statuses[..10],
            [200; 10],
            "{n}: {scenario}: a full bucket serves 10 requests"
        );
        let resp = limited.unwrap_or_else(|| panic!("{n}: {scenario}: no 429 after {statuses:?}"));
        let after = header(&resp, "retry-after");
        let wait_s = if scenario == "rate-limit" {
            after
                .parse::<i64>()
                .unwrap_or_else(|_| panic!("{n}: Retry-After in seconds, got {after:?}"))
        } else {
            http_date(&after) - http_date(&header(&resp, "date"))
        };
        assert!(
            (1..=2).contains(&wait_s),
            "{n}: {scenario}: Retry-After {after:?} is {wait_s} s"
        );
        api.problem(resp, 429, scenario);
        let entry = api.journal().pop().unwrap();
        assert!(
            entry["retry_at_ms"].as_u64() > entry["t_ms"].as_u64(),
            "{n}: journal retry_at_ms: {entry}"
        );
        api.advance(wait_s as u64 * 1000);
        assert_eq!(
            api.get("/v1/products/1", &token).status(),
            200,
            "{n}: {scenario}: after waiting Retry-After"
        );
    }
    api.reset("long-wait");
    let token = api.token();
    let resp = api.get("/v1/products/1", &token);
    assert_eq!(header(&resp, "retry-after"), "3600", "{n}: long-wait");
    api.problem(resp, 429, "long-wait");
}

fn faults(api: &Api) {
    let n = api.server.name;
    api.reset("flaky");
    let token = api.token();
    let mut seen = Vec::new();
    for _ in 0..12 {
        if seen.len() == 6 {
            api.refill();
        }
        match api
            .http
            .get(format!("{}/v1/products?limit=1", api.server.url))
            .bearer_auth(&token)
            .send()
        {
            Ok(resp) => {
                if resp.status() == 503 {
                    assert_eq!(
                        header(&resp, "retry-after"),
                        "1",
                        "{n}: flaky 503 Retry-After"
                    );
                }
                seen.push(resp.status().as_u16());
            }
            Err(e) => {
                assert!(
                    !e.is_timeout(),
                    "{n}: flaky: a timeout instead of a reset: {e}"
                );
                seen.push(0);
            }
        }
    }
    // Seed 7: the reset is list call 2 + 7 % 3 = 3; every 5th a 503, every 7th a 500.
    assert_eq!(
        seen,
        [200, 200, 0, 200, 503, 200, 500, 200, 200, 503, 200, 200],
        "{n}: flaky schedule"
    );
    let faults: Vec<Value> = api
        .journal()
        .into_iter()
        .filter(|e| e["route"] == "/v1/products")
        .map(|e| e["fault"].clone())
        .collect();
    let expected = [
        Value::Null,
        Value::Null,
        json!("reset"),
        Value::Null,
        json!("503"),
        Value::Null,
        json!("500"),
    ];
    assert_eq!(faults[..7], expected, "{n}: journal faults");
}

fn journal(api: &Api) {
    let n = api.server.name;
    api.reset("default");
    let token = api.token();
    api.get("/v1/products?limit=2", &token);
    api.send("GET", "/v1/products/1", None, None, &[]);
    api.send(
        "POST",
        "/v1/orders",
        Some(&token),
        Some(&json!({"product_id": 1, "quantity": 1})),
        &[("Idempotency-Key", "j-1")],
    );
    api.admin("GET", "health", None);
    let entries = api.journal();
    let text = serde_json::to_string(&entries).unwrap();
    assert!(
        !text.contains(CLIENT_SECRET) && !text.contains(&token),
        "{n}: the journal must not hold secrets or tokens"
    );
    let rows: Vec<(String, String, String, u64, String)> = entries
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
            (
                s("method"),
                s("route"),
                s("query"),
                e["status"].as_u64().unwrap(),
                s("auth"),
            )
        })
        .collect();
    let row =
        |m: &str, r: &str, q: &str, st: u64, a: &str| (m.into(), r.into(), q.into(), st, a.into());
    assert_eq!(
        rows,
        [
            row("POST", "/oauth/token", "", 200, "missing"),
            row("GET", "/v1/products", "limit=2", 200, "present"),
            row("GET", "/v1/products/{id}", "", 401, "missing"),
            row("POST", "/v1/orders", "", 201, "present"),
        ],
        "{n}: journal (admin calls are not journaled)"
    );
    let mut keys: Vec<&str> = entries[3]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    let expected = [
        "auth",
        "client_id",
        "fault",
        "idempotency_key",
        "method",
        "path",
        "query",
        "retry_at_ms",
        "route",
        "status",
        "t_ms",
    ];
    assert_eq!(keys, expected, "{n}: journal entry fields");
    assert_eq!(
        (&entries[3]["idempotency_key"], &entries[3]["client_id"]),
        (&json!("j-1"), &json!(CLIENT_ID)),
        "{n}"
    );
    assert!(
        entries
            .windows(2)
            .all(|w| w[0]["t_ms"].as_u64() <= w[1]["t_ms"].as_u64()),
        "{n}: t_ms ascends"
    );
    let summary = api.admin("GET", "journal/summary", None);
    assert_eq!(
        (
            &summary["total"],
            &summary["token_requests"],
            &summary["unauthorized"],
            &summary["rate_limited"]
        ),
        (&json!(4), &json!(1), &json!(1), &json!(0)),
        "{n}: summary {summary}"
    );
    assert_eq!(summary["by_status"]["200"], 2, "{n}: summary.by_status");
}

/// `--scenario short-tokens --latency 150..150ms --rate-limit 3/1s` on `server`;
/// the same seed gives the same catalogue as `reference` (started with the same seed).
fn flags(server: &Server, reference: &Server) {
    let n = server.name;
    let http = client_builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let api = Api {
        server,
        http: http.clone(),
    };
    let health = api.admin("GET", "health", None);
    assert_eq!(
        health["scenario"], "short-tokens",
        "{n}: --scenario: {health}"
    );
    let resp = api.token_response(CLIENT_SECRET);
    let body: Value = resp.json().unwrap();
    assert_eq!(body["expires_in"], 3, "{n}: --scenario short-tokens");
    let token = body["access_token"].as_str().unwrap().to_string();
    let started = std::time::Instant::now();
    let resp = api.get("/v1/products/1", &token);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(150),
        "{n}: --latency 150..150ms, the request took {took:?}"
    );
    assert_eq!(
        header(&resp, "x-ratelimit-limit"),
        "3",
        "{n}: --rate-limit 3/1s"
    );
    let mine: Value = resp.json().unwrap();
    let other = Api {
        server: reference,
        http,
    };
    let theirs: Value = other.get("/v1/products/1", &other.token()).json().unwrap();
    assert_eq!(mine, theirs, "{n}: the same --seed gives the same products");
}

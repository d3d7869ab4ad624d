//! `kind = "http"`: one request to a service started for the check; expects
//! a status, headers (names case-insensitive), a JSON subset of the body and
//! a maximum latency (`max_ms`).

use std::time::{Duration, Instant};

use super::{Job, Outcome, json};
use crate::check::Context;
use crate::error::{Error, Result};
use crate::manifest::settings::{self, HttpExpect};

pub(crate) fn run(cx: &Context, job: &Job) -> Result<Outcome> {
    let c = job.check;
    let name = c.service.as_deref().unwrap_or_default();
    let svc = job
        .services
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| {
            Error::new(format!("service `{name}` was not started"))
                .with_help("name it in `service` of the check")
        })?;
    let req = c
        .request
        .as_ref()
        .ok_or_else(|| Error::new("the check has no `request`"))?;
    let path = cx.expand(&req.path);
    let url = format!("http://{}{}", svc.addr, path);
    let client = crate::net::client_builder()
        .timeout(job.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::new(format!("could not build an HTTP client: {e}")))?;
    let method = reqwest::Method::from_bytes(req.method.to_uppercase().as_bytes())
        .map_err(|_| Error::new(format!("`{}` is not an HTTP method", req.method)))?;
    let mut rb = client.request(method.clone(), &url);
    for (k, v) in &req.headers {
        rb = rb.header(k, cx.expand(v));
    }
    if let Some(body) = &req.body {
        rb = rb.body(body.clone());
    }
    if let Some(j) = &req.json {
        rb = rb
            .header("content-type", "application/json")
            .body(json::from_toml(j).to_string());
    }
    let what = format!("{method} {path}");
    let started = Instant::now();
    let resp = match rb.send() {
        Ok(r) => r,
        Err(e) if e.is_timeout() => {
            return Ok(Outcome::fail(format!(
                "{what} got no answer within {}",
                crate::exec::human_duration(job.timeout)
            )));
        }
        Err(e) => return Ok(Outcome::fail(format!("{what} failed: {e}"))),
    };
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().unwrap_or_default();
    let elapsed = started.elapsed();
    let expect = match &c.expect {
        Some(e) => settings::http_expect(e).map_err(|e| Error::new(e.message).with_help(e.help))?,
        None => HttpExpect::default(),
    };
    let problems = judge(&expect, status, &headers, &body, elapsed)?;
    let shown = format!("HTTP {status}\n{}", crate::exec::tail(&body, 1024));
    Ok(if problems.is_empty() {
        Outcome::pass()
    } else {
        Outcome::fail(format!("{what}: {}", problems.join("\n"))).with_output(shown)
    })
}

fn judge(
    expect: &HttpExpect,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    body: &str,
    elapsed: Duration,
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    if let Some(s) = expect.status
        && status != s
    {
        problems.push(format!("the status is {status}, expected {s}"));
    }
    for (name, want) in &expect.headers {
        match headers.get(name.as_str()).and_then(|v| v.to_str().ok()) {
            Some(got) if got == want => {}
            Some(got) => problems.push(format!("header `{name}` is `{got}`, expected `{want}`")),
            None => problems.push(format!("header `{name}` is missing (expected `{want}`)")),
        }
    }
    if let Some(want) = &expect.json {
        match serde_json::from_str::<serde_json::Value>(body) {
            Ok(got) => problems.extend(json::subset_mismatch(&json::from_toml(want), &got, "")),
            Err(e) => problems.push(format!("the body is not JSON: {e}")),
        }
    }
    if let Some(ms) = expect.max_ms
        && elapsed.as_millis() > u128::from(ms)
    {
        problems.push(format!(
            "the answer took {} ms, more than {ms} ms",
            elapsed.as_millis()
        ));
    }
    if let Some(re) = &expect.body_matches {
        let r = regex::Regex::new(re)
            .map_err(|e| Error::new(format!("`{re}` is not a valid regex: {e}")))?;
        if !r.is_match(body) {
            problems.push(format!("the body does not match `{re}`"));
        }
    }
    Ok(problems)
}

//! `practice-api [--port N] [--seed N] [--scenario NAME] [--latency 50..300ms] [--rate-limit 10/2s]`
//!
//! Prints `listening on 127.0.0.1:PORT` once it accepts connections, then serves
//! until it is stopped (Ctrl-C).

use std::io::Write;
use std::process::ExitCode;

use practice_api::{Config, RateLimit, Scenario};

const USAGE: &str = "usage: practice-api [--port N] [--seed N] [--scenario NAME] [--latency LO..HIms] [--rate-limit N/Ss]
  --port           port on 127.0.0.1 (default 8080; 0 picks a free one, printed at start)
  --seed           seed of the products, faults and latency (default 7)
  --scenario       default | short-tokens | flaky | ambiguous-write | rate-limit | retry-after-date | long-wait | repeat-cursor
  --latency        added latency per request, e.g. 50..300ms (default none)
  --rate-limit     token bucket in scenario default (default 10/2s)
  --client-id      the client id /oauth/token accepts (default lab-client)
  --client-secret  the client secret /oauth/token accepts";

fn main() -> ExitCode {
    match parse(std::env::args().skip(1).collect()) {
        Ok(Some(config)) => {
            let (scenario, seed) = (config.scenario.name(), config.seed);
            let handle = practice_api::spawn(config);
            println!("listening on {}", handle.addr);
            println!(
                "scenario {scenario}, seed {seed}; admin: {}/__admin/health",
                handle.url()
            );
            let _ = std::io::stdout().flush();
            handle.wait();
            ExitCode::SUCCESS
        }
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(msg) => {
            eprintln!("error: {msg}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: Vec<String>) -> Result<Option<Config>, String> {
    let mut config = Config {
        port: 8080,
        ..Config::default()
    };
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name.as_str() {
            "--port" => {
                config.port = value()?
                    .parse()
                    .map_err(|_| format!("{name}: expected a port number"))?
            }
            "--seed" => {
                config.seed = value()?
                    .parse()
                    .map_err(|_| format!("{name}: expected an integer"))?
            }
            "--scenario" => config.scenario = value()?.parse::<Scenario>()?,
            "--latency" => config.latency = Some(parse_latency(&value()?)?),
            "--rate-limit" => config.rate_limit = value()?.parse::<RateLimit>()?,
            "--client-id" => config.client_id = value()?,
            "--client-secret" => config.client_secret = value()?,
            _ => return Err(format!("unknown option `{flag}`")),
        }
    }
    Ok(Some(config))
}

/// `50..300ms` (or `100ms` for a fixed latency).
fn parse_latency(s: &str) -> Result<(u64, u64), String> {
    let bad = || format!("--latency: expected LO..HIms, for example 50..300ms (got `{s}`)");
    let body = s.strip_suffix("ms").ok_or_else(bad)?;
    let (lo, hi) = body.split_once("..").unwrap_or((body, body));
    let lo: u64 = lo.parse().map_err(|_| bad())?;
    let hi: u64 = hi.parse().map_err(|_| bad())?;
    if lo > hi {
        return Err(bad());
    }
    Ok((lo, hi))
}
